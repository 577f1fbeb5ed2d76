package dev.xpfleet.common.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A repository's {@code .fleet.yml}, read from the base tree by every agent that honours it (the
 * build, the developer's paths, the reviewer's Definition of Done): one reader, one set of limits.
 * It is repository content: read with SnakeYAML's safe constructor (no types, no tags), at most 64
 * KB, never followed through a link.
 */
public final class FleetYml {

    static final int MAX_BYTES = 64 * 1024;

    private FleetYml() {}

    /**
     * The file as a mapping: empty when there is none or it is empty.
     *
     * @throws IllegalArgumentException when it is too large, not YAML, or not a mapping
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path base) throws IOException {
        Path config = base.resolve(".fleet.yml");
        if (!Files.isRegularFile(config, LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
        if (Files.size(config) > MAX_BYTES) {
            throw new IllegalArgumentException(".fleet.yml is larger than 64 KB");
        }
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(config));
        } catch (YAMLException e) {
            throw new IllegalArgumentException(".fleet.yml is not valid YAML: "
                    + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
        if (root == null) {
            return Map.of();
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(".fleet.yml must be a mapping");
        }
        return (Map<String, Object>) map;
    }

    /**
     * One section ({@code dev:}, {@code review:}) as a mapping: empty when absent.
     *
     * @throws IllegalArgumentException when it is there but not a mapping
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> section(Map<String, Object> settings, String name) {
        Object value = settings.get(name);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(".fleet.yml " + name + " must be a mapping");
    }

    /**
     * A list of strings in a section, or {@code fallback} when the key is absent.
     *
     * @throws IllegalArgumentException when it is there but not a list of strings
     */
    public static List<String> strings(Map<String, Object> section, String key, String name, List<String> fallback) {
        Object value = section.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).toList();
        }
        throw new IllegalArgumentException(".fleet.yml " + name + "." + key + " must be a list of paths");
    }
}
