package dev.xpfleet.orchestrator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchRuntimeException;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.DefaultTransactionDefinition;

/**
 * A connection lost at the commit itself: the outcome is unknown, so it must not be offered as
 * "try again" (503), whichever transaction manager runs: Boot's JdbcTransactionManager translates
 * the SQLException into a DataAccessException, DataSourceTransactionManager wraps it.
 */
class CommitFailureTest {

    @Test
    void aConnectionLostAtCommitIsToldFromOneLostBefore() {
        for (PlatformTransactionManager manager : new PlatformTransactionManager[] {
            new JdbcTransactionManager(failingAtCommit()), new DataSourceTransactionManager(failingAtCommit())
        }) {
            TransactionStatus status = manager.getTransaction(new DefaultTransactionDefinition());
            RuntimeException failure = catchRuntimeException(() -> manager.commit(status));

            assertThat(DatabaseOutage.causes(failure))
                    .as(manager + ": a connection failure")
                    .isTrue();
            assertThat(DatabaseOutageAdvice.atCommit(failure))
                    .as(manager + ": at the commit, " + failure)
                    .isTrue();
        }
        assertThat(DatabaseOutageAdvice.atCommit(new org.springframework.dao.DataAccessResourceFailureException(
                        "PreparedStatementCallback; An I/O error occurred while sending to the backend.")))
                .isFalse();
    }

    /** A data source whose connections lose the server when asked to commit. */
    private static DataSource failingAtCommit() {
        Connection connection = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "commit" ->
                            throw new PSQLException(
                                    "An I/O error occurred while sending to the backend.",
                                    PSQLState.CONNECTION_FAILURE);
                        case "getAutoCommit", "isReadOnly", "isClosed" -> false;
                        case "getTransactionIsolation" -> Connection.TRANSACTION_READ_COMMITTED;
                        case "unwrap" -> null;
                        case "isWrapperFor" -> false;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "failing-at-commit";
                        default -> null;
                    };
                });
        return (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    return switch (method.getName()) {
                        case "getConnection" -> connection;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "failing-data-source";
                        default -> throw new SQLException("not used: " + method.getName());
                    };
                });
    }
}
