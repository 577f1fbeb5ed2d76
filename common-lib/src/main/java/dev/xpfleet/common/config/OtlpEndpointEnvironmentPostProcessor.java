package dev.xpfleet.common.config;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Spans are exported over OTLP/HTTP to what the standard OpenTelemetry variables name: {@code
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} as it is, or {@code OTEL_EXPORTER_OTLP_ENDPOINT} with
 * {@code /v1/traces} added (the specification's rule). Neither set: nothing is exported. Spring's
 * own {@code management.opentelemetry.tracing.export.otlp.endpoint}, when set, wins.
 */
public class OtlpEndpointEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String PROPERTY = "management.opentelemetry.tracing.export.otlp.endpoint";
    static final String SOURCE = "fleet-otel-environment";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String endpoint = tracesEndpoint(
                environment.getProperty("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
                environment.getProperty("OTEL_EXPORTER_OTLP_ENDPOINT"));
        if (endpoint != null && !environment.getPropertySources().contains(SOURCE)) {
            environment.getPropertySources().addLast(new MapPropertySource(SOURCE, Map.of(PROPERTY, endpoint)));
        }
    }

    /** The traces endpoint the two variables name, or null when neither is set. */
    static String tracesEndpoint(String traces, String base) {
        if (traces != null && !traces.isBlank()) {
            return traces.strip();
        }
        if (base != null && !base.isBlank()) {
            String stripped = base.strip();
            return (stripped.endsWith("/") ? stripped.substring(0, stripped.length() - 1) : stripped) + "/v1/traces";
        }
        return null;
    }
}
