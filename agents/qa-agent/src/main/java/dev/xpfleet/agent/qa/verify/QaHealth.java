package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.common.sandbox.Reachability;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health {@code qa}, part of readiness: the agent can do its work only with a forge to clone from,
 * the analysers' jars, and a work root the sandbox user can reach.
 */
@Component("qa")
class QaHealth implements HealthIndicator {

    private final QaProperties props;
    private final Analysers analysers;

    QaHealth(QaProperties props, Analysers analysers) {
        this.props = props;
        this.analysers = analysers;
    }

    @Override
    public Health health() {
        String problem = problem();
        return problem == null
                ? Health.up()
                        .withDetail(
                                "cloneFrom",
                                props.orchestratorUrl() != null
                                        ? "orchestrator " + props.orchestratorUrl()
                                        : props.cloneUrl())
                        .withDetail(
                                "workRoot", props.workRoot().toAbsolutePath().toString())
                        .build()
                : Health.down().withDetail("reason", problem).build();
    }

    private String problem() {
        if (props.orchestratorUrl() != null) {
            if (props.orchestratorToken() == null || props.orchestratorToken().isBlank()) {
                return "fleet.qa.orchestrator-url is set but fleet.qa.orchestrator-token (an agent token) is not";
            }
        } else if (props.cloneUrl() == null || !props.cloneUrl().contains("{repository}")) {
            return "neither fleet.qa.orchestrator-url nor fleet.qa.clone-url is set"
                    + " (e.g. file:///var/lib/fleet/forge/{repository}.git)";
        }
        String tools = analysers.unavailableReason();
        if (tools != null) {
            return tools;
        }
        Path root = props.workRoot().toAbsolutePath();
        if (!Files.isDirectory(root)) {
            return "work root " + root + " does not exist";
        }
        String reach = Reachability.problem(root);
        return reach != null ? reach : Reachability.problem(props.toolsDir());
    }
}
