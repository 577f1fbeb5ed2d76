package dev.xpfleet.agent.qa;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentSmokeContract;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The qa-agent boots against real Redis and S3, reports healthy, and consumes its stream. */
class QaAgentSmokeIT extends AgentSmokeContract {

    @DynamicPropertySource
    static void qa(DynamicPropertyRegistry registry) {
        registry.add("fleet.qa.clone-url", () -> "file://" + QaTestDirs.work("qa-smoke-it") + "/{repository}.git");
        registry.add("fleet.qa.work-root", () -> QaTestDirs.work("qa-smoke-it").toString());
        registry.add("fleet.qa.tools-dir", () -> QaTestDirs.tools().toString());
    }

    @Override
    protected String application() {
        return "qa-agent";
    }

    @Override
    protected AgentRole role() {
        return AgentRole.QA;
    }
}
