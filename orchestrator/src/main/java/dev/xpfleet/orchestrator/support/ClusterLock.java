package dev.xpfleet.orchestrator.support;

import dev.xpfleet.common.hash.Sha256;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * Runs a job on one replica at a time: a PostgreSQL session-level advisory lock, held on its own
 * connection for the job's duration. Another replica skips its round instead of doing the same
 * work at once; a replica that dies releases the lock with its session.
 */
@Component
public class ClusterLock {

    private final DataSource dataSource;

    public ClusterLock(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @return false when another replica holds the lock (the job did not run) */
    public boolean runExclusively(String name, Runnable job) {
        long key = key(name);
        // Until every replica runs this version, also the key replicas of the version before took
        // (a 32-bit String.hashCode): during a rolling upgrade an old and a new replica still
        // exclude each other. Remove with the release after.
        long legacyKey = ("xp-fleet:" + name).hashCode();
        try (Connection connection = dataSource.getConnection()) {
            if (!call(connection, "SELECT pg_try_advisory_lock(?)", key)) {
                return false;
            }
            try {
                if (!call(connection, "SELECT pg_try_advisory_lock(?)", legacyKey)) {
                    return false;
                }
                try {
                    job.run();
                    return true;
                } finally {
                    call(connection, "SELECT pg_advisory_unlock(?)", legacyKey);
                }
            } finally {
                call(connection, "SELECT pg_advisory_unlock(?)", key);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cluster lock " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The advisory-lock key of a job's name: the first 64 bits of the SHA-256 of {@code
     * xp-fleet:<name>}. (A 32-bit {@code String.hashCode} would let two names share one lock.)
     */
    public static long key(String name) {
        return java.nio.ByteBuffer.wrap(java.util.HexFormat.of().parseHex(Sha256.hex("xp-fleet:" + name)))
                .getLong();
    }

    private static boolean call(Connection connection, String sql, long key) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, key);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
