package dev.xpfleet.orchestrator.forge;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param localRoot where the local forge keeps its bare repositories; unset, the local forge is off
 */
@ConfigurationProperties("fleet.forge")
public record ForgeProperties(Path localRoot) {}
