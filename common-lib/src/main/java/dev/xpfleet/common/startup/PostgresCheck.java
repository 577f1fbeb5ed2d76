package dev.xpfleet.common.startup;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/** PostgreSQL answers, the credentials work, and pgvector can be used. Only where a datasource is set. */
class PostgresCheck implements DependencyCheck {

    static final String URL = "spring.datasource.url";
    static final String USERNAME = "spring.datasource.username";
    static final String PASSWORD = "spring.datasource.password";

    @Override
    public Optional<String> check(Environment env) {
        String url = env.getProperty(URL);
        if (url == null || !url.startsWith("jdbc:postgresql:") || !driverPresent()) {
            return Optional.empty();
        }
        Properties props = new Properties();
        putIfSet(props, "user", env.getProperty(USERNAME));
        putIfSet(props, "password", env.getProperty(PASSWORD));
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "10");
        props.setProperty("socketTimeout", "10");
        try (Connection connection = DriverManager.getConnection(url, props);
                Statement statement = connection.createStatement()) {
            String version = scalar(statement, "show server_version");
            String vector = scalar(statement, """
                    select coalesce((select extversion from pg_extension where extname = 'vector'),
                                    (select default_version from pg_available_extensions where name = 'vector'))""");
            if (vector == null) {
                throw new StartupCheckException(
                        URL,
                        "PostgreSQL at %s has no pgvector extension installed (run deploy/local/fleet provision)"
                                .formatted(url),
                        null);
            }
            return Optional.of("PostgreSQL %s at %s (pgvector %s)".formatted(version.split(" ")[0], url, vector));
        } catch (SQLException e) {
            throw classify(url, e);
        }
    }

    private static StartupCheckException classify(String url, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String reason = firstLine(e.getMessage());
        if (state.startsWith("28")) {
            return new StartupCheckException(
                    "28000".equals(state) && reason.contains("role") ? USERNAME : PASSWORD,
                    "PostgreSQL at %s refused the credentials (%s)".formatted(url, reason),
                    e);
        }
        if ("3D000".equals(state)) {
            return new StartupCheckException(URL, "database in %s does not exist (%s)".formatted(url, reason), e);
        }
        return new StartupCheckException(URL, "cannot connect to PostgreSQL at %s (%s)".formatted(url, reason), e);
    }

    private static String scalar(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean driverPresent() {
        return ClassUtils.isPresent("org.postgresql.Driver", PostgresCheck.class.getClassLoader());
    }

    private static void putIfSet(Properties props, String key, String value) {
        if (value != null && !value.isEmpty()) {
            props.setProperty(key, value);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
