package dev.xpfleet.common.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where no sandbox can be had: refused by default, run with the time limit only when allowed. */
class UnconfinedSandboxTest {

    static final SandboxLimits LIMITS = new SandboxLimits(Duration.ofSeconds(2), 64L * 1024 * 1024, 16);

    @TempDir
    Path ws;

    @Test
    void withoutASandboxRepositoryCodeIsRefused() throws Exception {
        SandboxResult result = new Sandbox(false, () -> "bwrap is not installed")
                .run(ws, List.of("sh", "-c", "echo ran > ran.txt"), LIMITS);

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.SANDBOX_UNAVAILABLE);
        assertThat(result.reason()).isEqualTo("the sandbox could not start: bwrap is not installed");
        assertThat(ws.resolve("ran.txt")).doesNotExist();
    }

    @Test
    void whenAnOperatorAllowsItItRunsUnderTheTimeLimitAndSaysSo() throws Exception {
        Sandbox unconfined = new Sandbox(true, () -> "bwrap is not installed");

        SandboxResult ran = unconfined.run(ws, List.of("sh", "-c", "echo ran > ran.txt; echo done"), LIMITS);
        SandboxResult slept = unconfined.run(ws, List.of("sleep", "30"), LIMITS);

        assertThat(ran.outcome()).isEqualTo(SandboxResult.Outcome.COMPLETED);
        assertThat(ran.output()).startsWith(Sandbox.UNCONFINED).contains("done");
        assertThat(Files.readString(ws.resolve("ran.txt"))).isEqualTo("ran\n");
        assertThat(slept.outcome()).isEqualTo(SandboxResult.Outcome.TIMEOUT);
        assertThat(slept.millis()).isLessThan(10_000);
    }
}
