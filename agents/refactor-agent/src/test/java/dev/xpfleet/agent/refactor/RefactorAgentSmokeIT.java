package dev.xpfleet.agent.refactor;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentSmokeContract;

/** The refactor-agent boots against real Redis and S3, reports healthy, and consumes its stream. */
class RefactorAgentSmokeIT extends AgentSmokeContract {

    @Override
    protected String application() {
        return "refactor-agent";
    }

    @Override
    protected AgentRole role() {
        return AgentRole.REFACTOR;
    }
}
