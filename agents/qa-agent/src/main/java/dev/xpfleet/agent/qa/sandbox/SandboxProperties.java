package dev.xpfleet.agent.qa.sandbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param allowUnsandboxed run repository code without a sandbox where none can be had; off by
 *     default, and said loudly at startup when on
 */
@ConfigurationProperties("fleet.qa")
public record SandboxProperties(@DefaultValue("false") boolean allowUnsandboxed) {}
