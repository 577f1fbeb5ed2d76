package dev.xpfleet.common.consumer;

import dev.xpfleet.common.stream.AgentRole;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param role the role this service consumes work for (dev, qa, review, refactor, pair); services
 *     without it (the orchestrator) run no consumer
 */
@Validated
@ConfigurationProperties("fleet.agent")
public record AgentProperties(@NotNull AgentRole role) {}
