package dev.xpfleet.common.startup;

import java.util.Optional;
import org.springframework.core.env.Environment;

/** One dependency checked before the application context is refreshed. */
interface DependencyCheck {

    /**
     * Checks the dependency when this service is configured to use it.
     *
     * @return what it connected to, for the startup line; empty when the service does not use it
     * @throws StartupCheckException naming the setting to fix
     */
    Optional<String> check(Environment environment);
}
