package dev.xpfleet.orchestrator.bench;

import dev.xpfleet.common.testing.IsolatedServices;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The benchmarks' database: an isolated one with the orchestrator's migrations applied. */
final class BenchDatabase {

    private BenchDatabase() {}

    static DriverManagerDataSource migrated(IsolatedServices services) {
        var pg = services.endpoints().postgres();
        Flyway.configure()
                .dataSource(services.jdbcUrl(), pg.user(), pg.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return new DriverManagerDataSource(services.jdbcUrl(), pg.user(), pg.password());
    }
}
