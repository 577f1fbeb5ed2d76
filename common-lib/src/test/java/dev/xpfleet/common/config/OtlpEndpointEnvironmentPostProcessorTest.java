package dev.xpfleet.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class OtlpEndpointEnvironmentPostProcessorTest {

    @Test
    void theTracesVariableIsTakenAsItIsAndTheBaseOneGetsTheTracesPath() {
        assertThat(OtlpEndpointEnvironmentPostProcessor.tracesEndpoint("http://jaeger:4318/v1/traces", "http://x"))
                .isEqualTo("http://jaeger:4318/v1/traces");
        assertThat(OtlpEndpointEnvironmentPostProcessor.tracesEndpoint(null, "http://jaeger:4318/"))
                .isEqualTo("http://jaeger:4318/v1/traces");
        assertThat(OtlpEndpointEnvironmentPostProcessor.tracesEndpoint(" ", "http://jaeger:4318"))
                .isEqualTo("http://jaeger:4318/v1/traces");
        assertThat(OtlpEndpointEnvironmentPostProcessor.tracesEndpoint(null, ""))
                .isNull();
    }

    @Test
    void nothingIsExportedWithoutAVariableAndSpringsOwnPropertyWins() {
        StandardEnvironment none = new StandardEnvironment();
        none.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        new OtlpEndpointEnvironmentPostProcessor().postProcessEnvironment(none, null);
        assertThat(none.getProperty(OtlpEndpointEnvironmentPostProcessor.PROPERTY))
                .isNull();

        StandardEnvironment both = new StandardEnvironment();
        both.getPropertySources()
                .addFirst(new MapPropertySource(
                        "test",
                        Map.of(
                                "OTEL_EXPORTER_OTLP_ENDPOINT",
                                "http://collector:4318",
                                OtlpEndpointEnvironmentPostProcessor.PROPERTY,
                                "http://explicit:4318/v1/traces")));
        new OtlpEndpointEnvironmentPostProcessor().postProcessEnvironment(both, null);
        assertThat(both.getProperty(OtlpEndpointEnvironmentPostProcessor.PROPERTY))
                .isEqualTo("http://explicit:4318/v1/traces");

        StandardEnvironment base = new StandardEnvironment();
        base.getPropertySources()
                .addFirst(
                        new MapPropertySource("test", Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318")));
        new OtlpEndpointEnvironmentPostProcessor().postProcessEnvironment(base, null);
        assertThat(base.getProperty(OtlpEndpointEnvironmentPostProcessor.PROPERTY))
                .isEqualTo("http://collector:4318/v1/traces");
    }
}
