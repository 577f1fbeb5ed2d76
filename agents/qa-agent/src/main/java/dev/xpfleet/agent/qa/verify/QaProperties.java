package dev.xpfleet.agent.qa.verify;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param cloneUrl where a repository is cloned from, {@code {repository}} standing for its {@code
 *     owner/name}: for the local forge {@code file:///var/lib/fleet/forge/{repository}.git}
 * @param orchestratorUrl when set, the URL and credentials of every clone are asked of the
 *     orchestrator instead ({@code /api/forge/clone-credentials}; on GitHub a short-lived token)
 * @param orchestratorToken the agent's API token (agent role) for that
 * @param workRoot workspaces, dependency caches and the analysers' configuration; not under
 *     {@code /tmp} (the sandbox gives commands a private one)
 * @param toolsDir the analysers' jars, as the qa-tools module lays them out
 * @param testTime limit of each test run and analyser
 * @param prefetchTime limit of the dependency prefetch
 * @param memory memory limit of each run
 * @param processes most processes and threads of each run
 * @param parallelRuns verifications at once on this agent (each is CPU-heavy)
 */
@ConfigurationProperties("fleet.qa")
public record QaProperties(
        String cloneUrl,
        java.net.URI orchestratorUrl,
        String orchestratorToken,
        @DefaultValue(".fleet/qa") Path workRoot,

        @DefaultValue("agents/qa-agent/tools/target/qa-tools")
        Path toolsDir,

        @DefaultValue("10m") Duration testTime,
        @DefaultValue("15m") Duration prefetchTime,
        @DefaultValue("2GB") DataSize memory,
        @DefaultValue("512") int processes,
        @DefaultValue("1") int parallelRuns) {}
