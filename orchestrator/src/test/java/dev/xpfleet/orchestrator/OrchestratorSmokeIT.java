package dev.xpfleet.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import dev.xpfleet.common.testing.ServiceProbe;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The orchestrator boots against real PostgreSQL, Redis and S3, migrates, and reports healthy. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@FleetServices(database = true)
class OrchestratorSmokeIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Test
    void bootsHealthyWithAllDependenciesInReadiness() {
        new ServiceProbe(port).assertHealthy("orchestrator", "db", "redis", "artifacts");
    }

    @Test
    void appliesTheMigrationsAndEnablesPgvector() {
        Integer applied = jdbc.sql("select count(*) from flyway_schema_history where success and version = '1'")
                .query(Integer.class)
                .single();
        assertThat(applied).isEqualTo(1);
        assertThat(jdbc.sql("select extname from pg_extension where extname = 'vector'")
                        .query(String.class)
                        .optional())
                .hasValue("vector");
    }
}
