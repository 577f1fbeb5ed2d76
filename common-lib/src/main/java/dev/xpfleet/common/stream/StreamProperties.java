package dev.xpfleet.common.stream;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param prefix prepended to every Redis key of the fleet (streams, locks, dedupe keys)
 */
@Validated
@ConfigurationProperties("fleet.streams")
public record StreamProperties(
        @DefaultValue("fleet:")
        @NotBlank
        @Pattern(
                regexp = "^[A-Za-z0-9:_.-]+:$",
                message = "must be letters, digits, ':', '_', '.', '-' and end with ':'")
        String prefix) {

    /** The full key of a stream or other Redis key named relative to the prefix. */
    public String key(String name) {
        return prefix + name;
    }
}
