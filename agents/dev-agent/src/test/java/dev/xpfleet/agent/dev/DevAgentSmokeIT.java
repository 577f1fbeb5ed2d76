package dev.xpfleet.agent.dev;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The dev-agent boots against real Redis and S3 and reports healthy. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices
class DevAgentSmokeIT {

    @LocalServerPort
    int port;

    @Test
    void bootsHealthyWithRedisAndArtifactStoreInReadiness() {
        new ServiceProbe(port).assertHealthy("dev-agent", "redis", "artifacts");
    }
}
