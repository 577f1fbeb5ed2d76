package dev.xpfleet.common.testing;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The one place that decides where integration tests get their services: Testcontainers when a
 * Docker engine answers, the local services otherwise. {@code FLEET_TEST_SERVICES=local|containers}
 * (environment or system property) forces one.
 */
public final class TestServices {

    private static final Logger log = LoggerFactory.getLogger(TestServices.class);

    private static ServiceEndpoints endpoints;

    private TestServices() {}

    public static synchronized ServiceEndpoints endpoints() {
        if (endpoints == null) {
            endpoints = useContainers() ? ContainerServices.start() : LocalServices.load();
            log.info("Integration tests use {}", endpoints.origin());
        }
        return endpoints;
    }

    /**
     * A local setting {@code deploy/local/fleet provision} wrote beside the services (the container
     * sandbox's test engine, say), from the environment or {@code services.env}.
     */
    public static String localSetting(String key) {
        return LocalServices.setting(key);
    }

    private static boolean useContainers() {
        String choice = System.getProperty("FLEET_TEST_SERVICES", System.getenv("FLEET_TEST_SERVICES"));
        if (choice == null || choice.isBlank() || choice.equalsIgnoreCase("auto")) {
            return dockerAvailable();
        }
        return switch (choice.toLowerCase(Locale.ROOT)) {
            case "containers" -> true;
            case "local" -> false;
            default ->
                throw new IllegalStateException(
                        "FLEET_TEST_SERVICES must be auto, local or containers, not '" + choice + "'");
        };
    }

    private static boolean dockerAvailable() {
        // Without a socket or DOCKER_HOST there is nothing to find; asking Testcontainers anyway only
        // logs an alarming error on every run on machines that have no engine.
        String dockerHost = System.getenv("DOCKER_HOST");
        if ((dockerHost == null || dockerHost.isBlank())
                && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
