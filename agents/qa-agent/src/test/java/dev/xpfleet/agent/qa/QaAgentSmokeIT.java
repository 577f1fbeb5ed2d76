package dev.xpfleet.agent.qa;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentSmokeContract;

/** The qa-agent boots against real Redis and S3, reports healthy, and consumes its stream. */
class QaAgentSmokeIT extends AgentSmokeContract {

    @Override
    protected String application() {
        return "qa-agent";
    }

    @Override
    protected AgentRole role() {
        return AgentRole.QA;
    }
}
