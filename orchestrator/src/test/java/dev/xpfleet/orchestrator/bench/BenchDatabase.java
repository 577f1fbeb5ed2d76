package dev.xpfleet.orchestrator.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.xpfleet.common.testing.IsolatedServices;
import org.flywaydb.core.Flyway;

/**
 * The benchmarks' database: an isolated one with the orchestrator's migrations applied, behind a
 * connection pool as in the orchestrator (a connection per transaction would time PostgreSQL's
 * authentication and backend start-up, not the work).
 */
final class BenchDatabase {

    private BenchDatabase() {}

    static HikariDataSource migrated(IsolatedServices services) {
        var pg = services.endpoints().postgres();
        Flyway.configure()
                .dataSource(services.jdbcUrl(), pg.user(), pg.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(services.jdbcUrl());
        pool.setUsername(pg.user());
        pool.setPassword(pg.password());
        pool.setMaximumPoolSize(4);
        return pool;
    }
}
