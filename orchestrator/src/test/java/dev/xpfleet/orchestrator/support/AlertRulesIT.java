package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The Prometheus configuration and alert rules in {@code deploy/prometheus}: valid for promtool,
 * their unit tests pass (each alert fires when it should and not before), and every fleet metric
 * an alert reads is one the orchestrator really exports, as scraped from a running one (a renamed
 * metric would leave an alert that can never fire). promtool comes from Debian's prometheus
 * package, which {@code deploy/local/fleet provision} installs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class AlertRulesIT {

    private static final Path PROMETHEUS = Path.of("..", "deploy", "prometheus");

    @LocalServerPort
    int port;

    @Test
    void theConfigurationAndRulesAreValidAndTheirTestsPass() throws Exception {
        assertThat(promtool("check", "config", "--syntax-only", "prometheus.yml"))
                .contains("SUCCESS");
        assertThat(promtool("check", "rules", "rules/fleet-alerts.yml")).contains("SUCCESS");
        assertThat(promtool("test", "rules", "tests/fleet-alerts.test.yml")).contains("SUCCESS");
    }

    @Test
    void everyFleetMetricTheAlertsReadIsExported() throws Exception {
        Set<String> read = new TreeSet<>();
        for (String line : Files.readAllLines(PROMETHEUS.resolve("rules/fleet-alerts.yml"))) {
            if (line.strip().startsWith("expr:")) { // the queries, not the text around them
                read.addAll(MetricsChecks.fleetMetricsIn(line));
            }
        }
        assertThat(read).as("the rules read fleet metrics").hasSizeGreaterThanOrEqualTo(8);

        Set<String> exported = MetricsChecks.exported(port);

        assertThat(exported).as("exported by the orchestrator").containsAll(read);
    }

    private static String promtool(String... args) throws Exception {
        return MetricsChecks.promtool(PROMETHEUS, args);
    }
}
