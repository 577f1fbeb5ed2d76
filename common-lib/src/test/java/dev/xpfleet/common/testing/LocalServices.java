package dev.xpfleet.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The services started by {@code deploy/local/fleet provision}: read from {@code FLEET_*}
 * environment variables, else from {@code services.env} in {@code $FLEET_HOME} (default: the
 * checkout's {@code .fleet/}).
 */
final class LocalServices {

    private LocalServices() {}

    static ServiceEndpoints load() {
        Map<String, String> values = values();
        return new ServiceEndpoints(
                new ServiceEndpoints.Postgres(
                        require(values, "FLEET_PG_HOST"),
                        Integer.parseInt(require(values, "FLEET_PG_PORT")),
                        require(values, "FLEET_PG_USER"),
                        values.getOrDefault("FLEET_PG_PASSWORD", ""),
                        values.get("FLEET_PG_TEMPLATE")),
                new ServiceEndpoints.Redis(
                        require(values, "FLEET_REDIS_HOST"), Integer.parseInt(require(values, "FLEET_REDIS_PORT"))),
                new ServiceEndpoints.S3(
                        require(values, "FLEET_S3_ENDPOINT"),
                        require(values, "FLEET_S3_ACCESS_KEY"),
                        require(values, "FLEET_S3_SECRET_KEY")),
                "local services (" + envFile() + ")");
    }

    /** One setting provisioning wrote, or the environment's {@code FLEET_*} value over it. */
    static String setting(String key) {
        return require(values(), key);
    }

    private static Map<String, String> values() {
        Map<String, String> values = new HashMap<>(readEnvFile(envFile()));
        System.getenv().forEach((key, value) -> {
            if (key.startsWith("FLEET_")) {
                values.put(key, value);
            }
        });
        return values;
    }

    static Path envFile() {
        String home = System.getenv("FLEET_HOME");
        if (home == null || home.isBlank()) {
            home = System.getProperty("fleet.default-home");
        }
        if (home == null || home.isBlank()) {
            home = findCheckoutFleetHome().toString();
        }
        return Path.of(home, "services.env");
    }

    private static Path findCheckoutFleetHome() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("deploy/local"))) {
                return dir.resolve(".fleet");
            }
        }
        return Path.of(".fleet").toAbsolutePath();
    }

    private static Map<String, String> readEnvFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            Map<String, String> values = new HashMap<>();
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                int eq = line.indexOf('=');
                if (!line.startsWith("#") && eq > 0) {
                    values.put(
                            line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String require(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("No Docker engine and no local services: " + key + " is not set and "
                    + envFile() + " does not define it. Run 'deploy/local/fleet provision' first.");
        }
        return value;
    }
}
