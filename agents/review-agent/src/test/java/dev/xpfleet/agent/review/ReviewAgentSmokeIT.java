package dev.xpfleet.agent.review;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The review-agent boots against real Redis and S3 and reports healthy. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices
class ReviewAgentSmokeIT {

    @LocalServerPort
    int port;

    @Test
    void bootsHealthyWithRedisAndArtifactStoreInReadiness() {
        new ServiceProbe(port).assertHealthy("review-agent", "redis", "artifacts");
    }
}
