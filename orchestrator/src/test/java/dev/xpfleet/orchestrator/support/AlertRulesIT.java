package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern FLEET_METRIC = Pattern.compile("\\bfleet_[a-z_]+");

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
                Matcher m = FLEET_METRIC.matcher(line);
                while (m.find()) {
                    read.add(m.group());
                }
            }
        }
        assertThat(read).as("the rules read fleet metrics").hasSizeGreaterThanOrEqualTo(8);

        HttpResponse<String> scrape = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Set<String> exported = new TreeSet<>();
        scrape.body().lines().filter(l -> l.startsWith("fleet_")).forEach(l -> exported.add(l.split("[{ ]", 2)[0]));

        assertThat(exported).as("exported by the orchestrator").containsAll(read);
    }

    /** Runs promtool in deploy/prometheus and returns what it printed; fails on a non-zero exit. */
    private static String promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(PROMETHEUS.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new AssertionError(
                    "promtool not found: deploy/local/fleet provision installs it (Debian's prometheus package)", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue())
                .as(String.join(" ", command) + ":\n" + output)
                .isZero();
        return output;
    }
}
