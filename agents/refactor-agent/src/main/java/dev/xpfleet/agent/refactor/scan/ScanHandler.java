package dev.xpfleet.agent.refactor.scan;

import dev.xpfleet.agent.refactor.builtin.BuiltInAnalysis;
import dev.xpfleet.agent.refactor.rank.Group;
import dev.xpfleet.agent.refactor.rank.Hotspot;
import dev.xpfleet.agent.refactor.rank.Ranking;
import dev.xpfleet.agent.refactor.sonar.SonarClient;
import dev.xpfleet.agent.refactor.sonar.SonarException;
import dev.xpfleet.common.build.FleetYml;
import dev.xpfleet.common.change.TestPaths;
import dev.xpfleet.common.consumer.HandlerContext;
import dev.xpfleet.common.consumer.HandlerResult;
import dev.xpfleet.common.consumer.MessageHandler;
import dev.xpfleet.common.stream.Envelope;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.common.stream.MessageTypes;
import dev.xpfleet.common.workspace.CloneCredentials;
import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.common.workspace.Workspace;
import dev.xpfleet.common.workspace.WorkspaceException;
import dev.xpfleet.common.workspace.Workspaces;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code refactor.scan}: clones the repository's default branch, reads its {@code .fleet.yml}
 * {@code refactor:} settings, finds the debt (SonarQube when the fleet has one and the repository
 * does not ask for the built-in analysis; the built-in analysis otherwise), leaves out test files
 * and excluded paths, and answers the measures and the ranked groups. It opens nothing: the
 * orchestrator decides what becomes an issue. SonarQube down, a token refused, or settings that are
 * wrong: the scan fails with the reason (nothing is opened; the next run tries again).
 */
@Component
class ScanHandler implements MessageHandler {

    private static final Logger log = LoggerFactory.getLogger(ScanHandler.class);

    private final RefactorAgentProperties props;
    private final BuiltInAnalysis builtIn = new BuiltInAnalysis();

    ScanHandler(RefactorAgentProperties props) {
        this.props = props;
    }

    @Override
    public Set<String> types() {
        return Set.of(MessageTypes.REFACTOR_SCAN);
    }

    @Override
    public HandlerResult handle(Envelope envelope, HandlerContext context) throws Exception {
        String repository = envelope.payload().path("repository").asString("");
        if (!Names.isRepository(repository)) {
            return HandlerResult.failed("not a repository (owner/name): '" + repository + "'");
        }
        CloneCredentials.Source source = CloneCredentials.of(
                props.cloneUrl(), props.orchestratorUrl(), props.orchestratorToken(), repository, "refactor");
        try (Workspace workspace = new Workspaces(
                        props.workRoot().resolve("workspaces").toAbsolutePath())
                .cloneAt(source.url(), "HEAD", source.credentials())) {
            RepositorySettings settings;
            try {
                settings = RepositorySettings.of(FleetYml.read(workspace.dir()));
            } catch (IllegalArgumentException e) {
                return HandlerResult.failed(e.getMessage());
            }
            ObjectNode output = EnvelopeCodec.mapper().createObjectNode();
            output.set("settings", settings(settings));
            if (!settings.enabled()) {
                output.put("source", "none");
                output.putArray("groups");
                return HandlerResult.completed(output);
            }
            boolean sonar = !"builtin".equals(settings.source()) && props.sonarUrl() != null;
            if ("sonarqube".equals(settings.source()) && props.sonarUrl() == null) {
                return HandlerResult.failed("the repository asks for SonarQube (.fleet.yml refactor: source: sonarqube)"
                        + " but the fleet has none (fleet.refactor.sonar-url)");
            }
            try (Git git = Git.open(workspace.dir().toFile())) {
                BuiltInAnalysis.Result analysis = builtIn.analyse(workspace.dir(), git, settings.exclude());
                List<Hotspot> hotspots;
                if (sonar) {
                    // The fleet's mapping (sent by the orchestrator), else the fleet's template.
                    String project = envelope.payload().path("sonarProject").isString()
                            ? envelope.payload().path("sonarProject").asString()
                            : props.projectKeyOf(repository);
                    SonarClient client = new SonarClient(props.sonarUrl(), props.sonarToken(), props.sonarTimeout());
                    hotspots = kept(client.hotspots(project), settings.exclude());
                    output.put("source", "sonarqube");
                    output.put("project", project);
                    output.set("measures", sonarMeasures(client.measures(project)));
                } else {
                    hotspots = analysis.hotspots();
                    output.put("source", "builtin");
                    output.set("measures", EnvelopeCodec.mapper().valueToTree(analysis.measures()));
                }
                List<Group> groups = Ranking.rank(hotspots, analysis.churn(), analysis.firstSeen(), Instant.now());
                output.put("hotspots", hotspots.size());
                output.put("groupsFound", groups.size());
                output.set("groups", groups(groups));
                ArrayNode skipped = output.putArray("skipped");
                analysis.skipped().stream().limit(50).forEach(skipped::add);
                log.info(
                        "Scan of {} ({}): {} hotspots in {} groups",
                        repository,
                        output.path("source").asString(),
                        hotspots.size(),
                        groups.size());
                return HandlerResult.completed(output);
            } catch (SonarException e) {
                return HandlerResult.failed(e.getMessage());
            }
        } catch (WorkspaceException e) {
            // The forge unreachable or the repository gone: tried again, then reported.
            throw new IOException("cannot clone " + repository + ": " + e.getMessage(), e);
        }
    }

    /** What SonarQube found outside test files and the repository's excluded paths. */
    private static List<Hotspot> kept(List<Hotspot> found, List<String> exclude) {
        List<PathMatcher> excluded = exclude.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob))
                .toList();
        return found.stream()
                .filter(h -> !h.file().isBlank() && !TestPaths.isTest(h.file()))
                .filter(h -> excluded.stream().noneMatch(m -> m.matches(Path.of(h.file()))))
                .toList();
    }

    private static ObjectNode sonarMeasures(Map<String, Double> sonar) {
        ObjectNode measures = EnvelopeCodec.mapper().createObjectNode();
        put(measures, "complexity", sonar.get("complexity"));
        put(measures, "cognitiveComplexity", sonar.get("cognitive_complexity"));
        put(measures, "debtMinutes", sonar.get("sqale_index"));
        put(measures, "duplicatedLines", sonar.get("duplicated_lines"));
        put(measures, "lines", sonar.get("ncloc"));
        return measures;
    }

    private static void put(ObjectNode node, String field, Double value) {
        if (value != null) {
            node.put(field, value.longValue());
        }
    }

    private ObjectNode settings(RepositorySettings settings) {
        ObjectNode node = EnvelopeCodec.mapper().createObjectNode();
        node.put("enabled", settings.enabled());
        node.put("source", settings.source());
        if (settings.maxIssues() != null) {
            node.put("maxIssues", settings.maxIssues());
        }
        if (settings.weeklyTokens() != null) {
            node.put("weeklyTokens", settings.weeklyTokens());
        }
        ArrayNode exclude = node.putArray("exclude");
        settings.exclude().forEach(exclude::add);
        return node;
    }

    private ArrayNode groups(List<Group> groups) {
        ArrayNode array = EnvelopeCodec.mapper().createArrayNode();
        for (Group group : groups.stream().limit(props.maxGroups()).toList()) {
            ObjectNode node = array.addObject();
            node.put("fingerprint", group.fingerprint());
            node.put("rule", group.rule());
            node.put("ruleName", group.ruleName());
            node.put("family", group.family());
            node.put("file", group.file());
            node.put("severity", group.severity());
            node.put("debtMinutes", group.debtMinutes());
            node.put("churn", group.churn());
            node.put("ageDays", group.ageDays());
            node.put("score", group.score());
            ArrayNode locations = node.putArray("locations");
            group.hotspots().stream()
                    .limit(50)
                    .forEach(h -> locations
                            .addObject()
                            .put("line", h.line())
                            .put("rule", h.rule())
                            .put("message", h.message()));
        }
        return array;
    }
}
