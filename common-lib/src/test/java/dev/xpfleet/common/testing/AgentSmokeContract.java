package dev.xpfleet.common.testing;

import dev.xpfleet.common.stream.AgentRole;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every agent service must do once booted against real Redis and S3: report healthy with its
 * dependencies in readiness, expose metrics, and consume its stream. One empty subclass per agent.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices
public abstract class AgentSmokeContract {

    @LocalServerPort
    int port;

    @Autowired
    IsolatedServices services;

    /** The application name, as in {@code spring.application.name}. */
    protected abstract String application();

    protected abstract AgentRole role();

    @Test
    void bootsHealthyWithRedisAndArtifactStoreInReadiness() {
        new ServiceProbe(port).assertHealthy(application(), "redis", "artifacts");
    }

    @Test
    void reportsWorkItCannotDoAsAFailureResult() {
        new AgentProbe(services).assertUnhandledTypeIsReported(role());
    }
}
