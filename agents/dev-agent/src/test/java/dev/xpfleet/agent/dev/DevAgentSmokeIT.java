package dev.xpfleet.agent.dev;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentSmokeContract;

/** The dev-agent boots against real Redis and S3, reports healthy, and consumes its stream. */
class DevAgentSmokeIT extends AgentSmokeContract {

    @Override
    protected String application() {
        return "dev-agent";
    }

    @Override
    protected AgentRole role() {
        return AgentRole.DEV;
    }
}
