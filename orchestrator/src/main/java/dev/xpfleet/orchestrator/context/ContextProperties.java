package dev.xpfleet.orchestrator.context;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param repositoriesRoot where {@code POST /api/context/index} finds repositories, as {@code
 *     <root>/<owner>/<name>.git} (bare) or {@code <root>/<owner>/<name>/.git}; unset, indexing by
 *     REST is off
 */
@ConfigurationProperties("fleet.context")
public record ContextProperties(Path repositoriesRoot) {}
