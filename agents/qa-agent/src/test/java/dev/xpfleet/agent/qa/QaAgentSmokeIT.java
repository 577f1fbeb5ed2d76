package dev.xpfleet.agent.qa;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The qa-agent boots against real Redis and S3 and reports healthy. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices
class QaAgentSmokeIT {

    @LocalServerPort
    int port;

    @Test
    void bootsHealthyWithRedisAndArtifactStoreInReadiness() {
        new ServiceProbe(port).assertHealthy("qa-agent", "redis", "artifacts");
    }
}
