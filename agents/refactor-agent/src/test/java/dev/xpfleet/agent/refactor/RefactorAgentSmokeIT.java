package dev.xpfleet.agent.refactor;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The refactor-agent boots against real Redis and S3 and reports healthy. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices
class RefactorAgentSmokeIT {

    @LocalServerPort
    int port;

    @Test
    void bootsHealthyWithRedisAndArtifactStoreInReadiness() {
        new ServiceProbe(port).assertHealthy("refactor-agent", "redis", "artifacts");
    }
}
