package dev.xpfleet.agent.pair;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentSmokeContract;

/** The pair-coordinator boots against real Redis and S3, reports healthy, and consumes its stream. */
class PairCoordinatorSmokeIT extends AgentSmokeContract {

    @Override
    protected String application() {
        return "pair-coordinator";
    }

    @Override
    protected AgentRole role() {
        return AgentRole.PAIR;
    }
}
