package dev.xpfleet.orchestrator.api;

import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * @param bootstrapAdminToken an admin token accepted from startup on (stored hashed as
 *     "bootstrap-admin"), so the first real tokens can be created; optional, never logged
 */
@Validated
@ConfigurationProperties("fleet.api")
public record ApiProperties(
        @Size(min = 32, message = "must be at least 32 characters")
        String bootstrapAdminToken) {

    @Override
    public String toString() {
        return "ApiProperties[bootstrapAdminToken=" + (bootstrapAdminToken == null ? "none" : "***") + "]";
    }
}
