package dev.xpfleet.orchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.testing.FleetServices;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one delivery asks of PostgreSQL, counted statement by statement on the thread that handles
 * it: a label on a new issue is the delivery row, the task (its insert is the active-task check,
 * already in its first working state), the audit row, the outbox row and the delivery's outcome.
 * Intake's speed is bound by its round trips (docs/benchmarks.md); this keeps them from creeping
 * back.
 */
@SpringBootTest
@FleetServices(database = true)
class IntakeRoundTripsIT {

    /** The SQL the current thread sends while {@link #counting} is set; other threads are not counted. */
    static final ThreadLocal<List<String>> SENT = new ThreadLocal<>();

    @TestConfiguration
    static class CountingStatements {
        @Bean
        static BeanPostProcessor countingDataSource() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds ? new Counting(ds) : bean;
                }
            };
        }
    }

    @Autowired
    WebhookIntake intake;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aLabelOnANewIssueIsFiveStatements() throws Exception {
        ObjectNode payload = WebhookClient.issue("issues.labeled", "agent", "OWNER");

        List<String> sent = counting(() -> intake.handle(new Delivery("rt-" + System.nanoTime(), "issues", payload)));

        assertThat(sent)
                .as("statements sent: %s", sent)
                .hasSize(5)
                .satisfiesExactly(
                        s -> assertThat(s).startsWith("INSERT INTO webhook_deliveries"),
                        s -> assertThat(s).startsWith("INSERT INTO tasks"),
                        s -> assertThat(s).startsWith("INSERT INTO audit_trail"),
                        s -> assertThat(s).startsWith("INSERT INTO outbox_events"),
                        s -> assertThat(s).startsWith("UPDATE webhook_deliveries"));
    }

    @Test
    void aLabelOnAnIssueWithAnActiveTaskReadsItOnceAndWritesNoTask() throws Exception {
        ObjectNode payload = WebhookClient.issue("issues.labeled", "agent", "OWNER");
        IntakeResult first = intake.handle(new Delivery("rt-a-" + System.nanoTime(), "issues", payload));

        List<IntakeResult> second = new ArrayList<>();
        List<String> sent =
                counting(() -> second.add(intake.handle(new Delivery("rt-b-" + System.nanoTime(), "issues", payload))));

        assertThat(second.get(0).outcome()).isEqualTo("ALREADY_ACTIVE");
        assertThat(second.get(0).taskId()).isEqualTo(first.taskId());
        assertThat(sent).as("statements sent: %s", sent).hasSize(4);
        assertThat(jdbc.sql("SELECT count(*) FROM tasks WHERE issue_number = :n")
                        .param("n", payload.path("issue").path("number").asInt())
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    private static List<String> counting(Runnable work) {
        List<String> sent = new ArrayList<>();
        SENT.set(sent);
        try {
            work.run();
        } finally {
            SENT.remove();
        }
        return sent.stream().map(String::strip).toList();
    }

    /** Hands out connections that note each statement prepared on a counting thread. */
    static final class Counting extends DelegatingDataSource {
        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return noting(super.getConnection());
        }

        @Override
        public Connection getConnection(String user, String password) throws SQLException {
            return noting(super.getConnection(user, password));
        }

        private static Connection noting(Connection target) {
            return (Connection) Proxy.newProxyInstance(
                    Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                        List<String> sent = SENT.get();
                        if (sent != null
                                && args != null
                                && args.length > 0
                                && args[0] instanceof String sql
                                && (method.getName().equals("prepareStatement")
                                        || method.getName().equals("prepareCall"))) {
                            sent.add(sql.strip());
                        }
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }
}
