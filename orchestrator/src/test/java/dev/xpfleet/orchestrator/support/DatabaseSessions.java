package dev.xpfleet.orchestrator.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;

/** For tests: takes a test's database away from its clients (and gives it back), as an outage would. */
public final class DatabaseSessions {

    private DatabaseSessions() {}

    /** Refuses (or allows) new sessions to {@code database} and, when refusing, ends the open ones. */
    public static void allow(DataSourceProperties dataSource, String database, boolean allowed) throws SQLException {
        String admin = dataSource.getUrl().substring(0, dataSource.getUrl().lastIndexOf('/') + 1) + "postgres";
        try (Connection connection =
                        DriverManager.getConnection(admin, dataSource.getUsername(), dataSource.getPassword());
                Statement sql = connection.createStatement()) {
            sql.execute("ALTER DATABASE " + database + " ALLOW_CONNECTIONS " + allowed);
            if (!allowed) {
                sql.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                        + "' AND pid <> pg_backend_pid()");
            }
        }
    }
}
