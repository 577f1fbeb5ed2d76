package dev.xpfleet.orchestrator.forge;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param localRoot where the local forge keeps its bare repositories; unset, the local forge is off
 * @param autoMerge merge the fleet's pull request as soon as it is open (otherwise a person merges
 *     it, and the forge's "closed" event finishes the task)
 * @param mergeMethod how the fleet merges when it does
 * @param workspaces where approved changes are assembled before they are pushed
 */
@ConfigurationProperties("fleet.forge")
public record ForgeProperties(
        Path localRoot,
        @DefaultValue("false") boolean autoMerge,
        @DefaultValue("MERGE") Forge.MergeMethod mergeMethod,
        Path workspaces,
        @DefaultValue("2s") Duration stepInterval) {

    public Path workspaceRoot() {
        return workspaces != null ? workspaces : Path.of(System.getProperty("java.io.tmpdir"), "xp-fleet-forge");
    }
}
