package dev.xpfleet.common.startup;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class StartupCheckFailureAnalyzerTest {

    @Test
    void describesTheSettingInOneLineAndNamesItsEnvironmentVariable() {
        StartupCheckException cause = new StartupCheckException(
                "fleet.artifacts.secret-key", "S3 refused the keys (SignatureDoesNotMatch)", null);

        FailureAnalysis analysis =
                new StartupCheckFailureAnalyzer().analyze(new BeanCreationException("wrapper", cause));

        assertThat(analysis.getDescription())
                .isEqualTo("fleet.artifacts.secret-key: S3 refused the keys (SignatureDoesNotMatch)")
                .doesNotContain("\n");
        assertThat(analysis.getAction()).contains("FLEET_ARTIFACTS_SECRETKEY");
    }

    @Test
    void ignoresOtherFailures() {
        assertThat(new StartupCheckFailureAnalyzer().analyze(new ConnectException("refused")))
                .isNull();
    }
}
