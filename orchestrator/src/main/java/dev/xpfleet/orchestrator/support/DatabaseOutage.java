package dev.xpfleet.orchestrator.support;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database that is unreachable, restarting or has dropped the connection from every other
 * failure. Only what says so counts: no connection from the pool or no transaction could begin, a
 * transient connection error, or PostgreSQL's SQLSTATE class 08 (connection), 57P01-57P03 (shut
 * down, starting) or 53300 (too many connections). Anything else, a limit a row's own data hits
 * included, is not an outage and must not be waited out.
 */
public final class DatabaseOutage {

    private DatabaseOutage() {}

    /** True when {@code failure} or one of its causes is the database being away. */
    public static boolean causes(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // A rollback that failed after a step failed: the step's failure says what happened.
            if (cause instanceof TransactionSystemException rollback
                    && rollback.getApplicationException() != null
                    && causes(rollback.getApplicationException())) {
                return true;
            }
            if (cause instanceof CannotCreateTransactionException
                    || cause instanceof CannotGetJdbcConnectionException
                    || cause instanceof SQLTransientConnectionException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                return state.startsWith("08") || state.matches("57P0[123]") || state.equals("53300");
            }
        }
        return false;
    }
}
