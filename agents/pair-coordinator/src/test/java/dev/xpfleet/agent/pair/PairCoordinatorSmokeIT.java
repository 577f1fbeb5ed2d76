package dev.xpfleet.agent.pair;

import dev.xpfleet.common.stream.AgentRole;
import dev.xpfleet.common.testing.AgentProbe;
import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.IsolatedServices;
import dev.xpfleet.common.testing.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The pair-coordinator boots against real Redis and S3, reports healthy, and consumes its stream. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices
class PairCoordinatorSmokeIT {

    @LocalServerPort
    int port;

    @Autowired
    IsolatedServices services;

    @Test
    void bootsHealthyWithRedisAndArtifactStoreInReadiness() {
        new ServiceProbe(port).assertHealthy("pair-coordinator", "redis", "artifacts");
    }

    @Test
    void reportsWorkItCannotDoAsAFailureResult() {
        new AgentProbe(services).assertUnhandledTypeIsReported(AgentRole.PAIR);
    }
}
