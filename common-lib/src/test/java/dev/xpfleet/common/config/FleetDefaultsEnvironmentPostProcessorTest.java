package dev.xpfleet.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class FleetDefaultsEnvironmentPostProcessorTest {

    @Test
    void addsDefaultsThatEveryOtherSourceOverrides() {
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources()
                .addFirst(new MapPropertySource(
                        "service", Map.of("management.endpoint.health.group.readiness.include", "db")));

        new FleetDefaultsEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication());

        assertThat(env.getProperty("management.endpoint.health.probes.enabled")).isEqualTo("true");
        assertThat(env.getProperty("management.endpoint.health.group.readiness.include"))
                .isEqualTo("db");
        assertThat(env.getPropertySources().stream()
                        .reduce((first, second) -> second)
                        .orElseThrow()
                        .getName())
                .contains(FleetDefaultsEnvironmentPostProcessor.RESOURCE);
    }
}
