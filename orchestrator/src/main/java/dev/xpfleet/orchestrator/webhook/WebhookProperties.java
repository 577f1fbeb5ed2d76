package dev.xpfleet.orchestrator.webhook;

import dev.xpfleet.orchestrator.task.NewTask;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * @param secrets webhook secrets, all accepted (two during a rotation); never logged
 * @param maxBodySize larger deliveries are refused with 413
 * @param triggerLabel the label that starts a linear task
 * @param pairLabel the label that starts a pair session
 * @param trustedAssociations {@code author_association} values allowed to start work
 * @param allowlist GitHub logins also allowed to start work
 * @param defaultMaxIters iterations a new task may take before it needs a human
 */
@Validated
@ConfigurationProperties("fleet.webhook")
public record WebhookProperties(
        @NotEmpty(message = "needs at least one secret (FLEET_WEBHOOK_SECRETS)")
        List<@Size(min = 16, message = "each secret needs at least 16 characters") String> secrets,

        @DefaultValue("5MB") DataSize maxBodySize,
        @DefaultValue("agent") @NotBlank String triggerLabel,
        @DefaultValue("agent:pair") @NotBlank String pairLabel,
        @DefaultValue({"OWNER", "MEMBER", "COLLABORATOR"}) List<String> trustedAssociations,
        @DefaultValue({}) List<String> allowlist,

        @DefaultValue("" + NewTask.DEFAULT_MAX_ITERS) @Min(1) @Max(50)
        int defaultMaxIters) {

    /** Whether someone with this association (or this login) may start or steer work. */
    boolean trusts(String association, String login) {
        return (association != null && trustedAssociations.contains(association))
                || (login != null && allowlist.stream().anyMatch(login::equalsIgnoreCase)); // logins ignore case
    }

    @Override
    public String toString() {
        return "WebhookProperties[secrets=%d hidden, maxBodySize=%s, triggerLabel=%s, pairLabel=%s]"
                .formatted(secrets == null ? 0 : secrets.size(), maxBodySize, triggerLabel, pairLabel);
    }
}
