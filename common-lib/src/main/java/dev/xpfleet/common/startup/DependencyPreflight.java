package dev.xpfleet.common.startup;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Runs the dependency checks once the configuration is known and before any bean connects, so that
 * a wrong setting ends startup with one line naming it rather than a pool's stack trace. Off with
 * {@code fleet.preflight.enabled=false}.
 */
public class DependencyPreflight implements ApplicationListener<ApplicationPreparedEvent> {

    private static final Logger log = LoggerFactory.getLogger(DependencyPreflight.class);

    private final List<DependencyCheck> checks = List.of(new PostgresCheck(), new RedisCheck(), new S3Check());

    @Override
    public void onApplicationEvent(ApplicationPreparedEvent event) {
        ConfigurableEnvironment env = event.getApplicationContext().getEnvironment();
        if (!env.getProperty("fleet.preflight.enabled", Boolean.class, true)) {
            return;
        }
        List<String> connected = new ArrayList<>();
        for (DependencyCheck check : checks) {
            Optional<String> result = check.check(env);
            result.ifPresent(connected::add);
        }
        String name = env.getProperty("spring.application.name", "service");
        log.info("{} connected to {}", name, connected.isEmpty() ? "nothing" : String.join(", ", connected));
    }
}
