package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.IsolatedServices;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the alert and dashboard tests share: promtool (Debian's prometheus package, which {@code
 * deploy/local/fleet provision} installs), the fleet metrics a query reads, and those a running
 * orchestrator exports.
 */
final class MetricsChecks {

    private static final Pattern FLEET_METRIC = Pattern.compile("\\bfleet_[a-z_]+");

    private MetricsChecks() {}

    /** Runs promtool in {@code dir} and returns what it printed; fails on a non-zero exit. */
    static String promtool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
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

    /** The fleet metrics named in a query. */
    static Set<String> fleetMetricsIn(String query) {
        Set<String> names = new TreeSet<>();
        Matcher m = FLEET_METRIC.matcher(query);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    /** The fleet series names the orchestrator on {@code port} exports now. */
    static Set<String> exported(int port) throws IOException, InterruptedException {
        HttpResponse<String> scrape = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                                .header("Authorization", "Bearer " + IsolatedServices.API_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Set<String> names = new TreeSet<>();
        scrape.body().lines().filter(l -> l.startsWith("fleet_")).forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        return names;
    }
}
