package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.testing.FleetServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The Grafana dashboards in {@code deploy/grafana}: each is a dashboard whose panels read the
 * provisioned Prometheus datasource, every panel's query is valid PromQL (promtool checks them as
 * recording rules), and every fleet metric a panel reads is one the orchestrator really exports,
 * scraped from a running one with a refactoring scan in its database (a renamed metric would leave
 * a panel that shows nothing). Not here yet (issue 20): a real Prometheus scraping a fleet that did
 * the demo and every panel's query returning series (that is FleetDemoIT's).
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "fleet.metrics.refresh-interval=PT1S",
            "fleet.metrics.sdlc-refresh-interval=PT1S",
            "fleet.gateway.prices.m.input-per-million=1",
            "fleet.gateway.prices.m.output-per-million=2"
        })
@FleetServices(database = true)
class DashboardsIT {

    private static final Path GRAFANA = Path.of("..", "deploy", "grafana");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @TempDir
    Path dir;

    @Test
    void everyPanelReadsTheProvisionedDatasourceWithValidPromqlOfExportedMetrics() throws Exception {
        String datasource = datasourceUid();
        List<String> queries = new ArrayList<>();
        Set<String> uids = new TreeSet<>();
        try (Stream<Path> files = Files.list(GRAFANA.resolve("dashboards"))) {
            for (Path file : files.sorted().toList()) {
                JsonNode dashboard = EnvelopeCodec.mapper().readTree(Files.readString(file));
                assertThat(uids.add(dashboard.path("uid").asString()))
                        .as(file + ": a uid of its own")
                        .isTrue();
                assertThat(dashboard.path("panels")).as(file + " has panels").isNotEmpty();
                for (JsonNode panel : dashboard.path("panels")) {
                    String where =
                            file.getFileName() + " / " + panel.path("title").asString();
                    assertThat(panel.path("datasource").path("uid").asString())
                            .as(where)
                            .isEqualTo(datasource);
                    assertThat(panel.path("targets")).as(where + " has queries").isNotEmpty();
                    for (JsonNode target : panel.path("targets")) {
                        assertThat(target.path("datasource").path("uid").asString())
                                .as(where)
                                .isEqualTo(datasource);
                        assertThat(target.path("expr").asString()).as(where).isNotBlank();
                        queries.add(target.path("expr").asString());
                    }
                }
            }
        }
        assertThat(uids)
                .as("the flow, reliability, cost, agents and refactoring dashboards")
                .hasSize(5);

        // promtool has no query checker: each query becomes a recording rule, which it parses.
        StringBuilder rules = new StringBuilder("groups:\n  - name: panels\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            rules.append("      - record: panel_")
                    .append(i)
                    .append("\n        expr: '")
                    .append(queries.get(i).replace("'", "''"))
                    .append("'\n");
        }
        Files.writeString(dir.resolve("panels.yml"), rules);
        assertThat(MetricsChecks.promtool(dir, "check", "rules", "panels.yml")).contains("SUCCESS");

        Set<String> read = new TreeSet<>();
        queries.forEach(query -> read.addAll(MetricsChecks.fleetMetricsIn(query)));
        // A refactoring scan, so the per-repository refactoring gauges have a series to export.
        UUID run = UUID.randomUUID();
        jdbc.sql("INSERT INTO refactor_runs (id, trigger, dry_run, requested_by) VALUES (:id, 'MANUAL', true, 't')")
                .param("id", run)
                .update();
        jdbc.sql("""
                        INSERT INTO refactor_scans (id, run_id, repository, state, measures, finished_at)
                        VALUES (:id, :run, 'acme/dashboards', 'DONE',
                                CAST('{"debtMinutes": 14, "complexity": 14}' AS jsonb), now())
                        """).param("id", UUID.randomUUID()).param("run", run).update();
        // A merged task with a model call, QA's pass and the review's approval: the delivery figures.
        UUID merged = UUID.randomUUID();
        jdbc.sql("""
                        INSERT INTO tasks (id, repository, title, state, mode, iteration, max_iters, created_by,
                                           created_at, stage_entered_at)
                        VALUES (:id, 'acme/dashboards', 't', 'MERGED', 'LINEAR', 1, 5, 't', now() - interval '1 hour',
                                jsonb_build_object('MERGED', now()))
                        """).param("id", merged).update();
        jdbc.sql("""
                        INSERT INTO model_calls (task_id, role, repository, provider, model, reserved_tokens,
                                                 prompt_tokens, completion_tokens, status)
                        VALUES (:id, 'dev', 'acme/dashboards', 'p', 'm', 10, 8, 2, 'SETTLED')
                        """).param("id", merged).update();
        jdbc.sql("""
                        INSERT INTO audit_trail (task_id, actor, action, detail) VALUES
                          (:id, 'qa', 'qa.passed', '{"iteration": 1, "verdict": "PASSED"}'),
                          (:id, 'review', 'review.decided', '{"iteration": 1, "decision": "APPROVE"}')
                        """).param("id", merged).update();
        Set<String> exported = await("the gauges refreshed")
                .atMost(Duration.ofSeconds(30))
                .until(
                        () -> MetricsChecks.exported(port),
                        e -> e.contains("fleet_refactor_debt_minutes") && e.contains("fleet_sdlc_iterations_to_green"));

        // Meters registered on first use (a model call's latency and tokens, by role and model) are
        // not in a fresh replica's scrape: those must be declared by that name in the source.
        List<String> missing = read.stream()
                .filter(name -> !exported.contains(name))
                .filter(name -> !declared(meterName(name)))
                .toList();
        assertThat(missing)
                .as("neither exported by the orchestrator nor a meter it registers on first use")
                .isEmpty();
        assertThat(read.stream().filter(exported::contains).count())
                .as("most panels read what a fresh replica exports")
                // registered on first use: model latency (sum, count) and tokens, sandbox runs (sum, count)
                .isGreaterThanOrEqualTo(read.size() - 5);
    }

    /** Micrometer's name of a Prometheus series: {@code fleet_model_tokens_total} -> {@code fleet.model.tokens}. */
    static String meterName(String series) {
        return series.replaceFirst("(_seconds)?(_count|_sum|_bucket|_max|_total)?$", "")
                .replace('_', '.');
    }

    private static boolean declared(String meter) {
        // The orchestrator's own meters, and the agents' (the sandbox's runs, in common-lib).
        try (Stream<Path> sources = Stream.of(
                        Path.of("src", "main", "java"), Path.of("..", "common-lib", "src", "main", "java"))
                .flatMap(DashboardsIT::walk)) {
            for (Path source :
                    sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(source).contains("\"" + meter + "\"")) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return false;
    }

    private static Stream<Path> walk(Path dir) {
        try {
            return Files.walk(dir);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String datasourceUid() throws IOException {
        for (String line : Files.readAllLines(GRAFANA.resolve("provisioning/datasources/prometheus.yml"))) {
            if (line.strip().startsWith("uid:")) {
                return line.strip().substring("uid:".length()).strip();
            }
        }
        throw new AssertionError("the provisioned datasource has no uid");
    }
}
