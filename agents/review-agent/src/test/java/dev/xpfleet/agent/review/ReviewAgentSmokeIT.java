package dev.xpfleet.agent.review;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentSmokeContract;

/** The review-agent boots against real Redis and S3, reports healthy, and consumes its stream. */
class ReviewAgentSmokeIT extends AgentSmokeContract {

    @Override
    protected String application() {
        return "review-agent";
    }

    @Override
    protected AgentRole role() {
        return AgentRole.REVIEW;
    }
}
