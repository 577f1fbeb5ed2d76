package dev.xpfleet.common.artifact;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where artifacts go. The keys are secrets: {@link #toString()} never shows them.
 *
 * @param endpoint S3 API base URL, e.g. {@code http://127.0.0.1:9000}
 * @param accessKey S3 access key
 * @param secretKey S3 secret key
 * @param bucket bucket holding every artifact of this fleet
 * @param region region sent in signatures
 * @param timeout connect and read timeout of every call
 */
@Validated
@ConfigurationProperties("fleet.artifacts")
public record ArtifactStoreProperties(
        @NotNull URI endpoint,
        @NotBlank String accessKey,
        @NotBlank String secretKey,

        @DefaultValue("fleet-artifacts")
        @Pattern(
                regexp = "^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
                message = "must be a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-')")
        String bucket,

        @DefaultValue("us-east-1") @NotBlank String region,
        @DefaultValue("10s") Duration timeout) {

    @Override
    public String toString() {
        return "ArtifactStoreProperties[endpoint=%s, bucket=%s, region=%s, accessKey=***, secretKey=***]"
                .formatted(endpoint, bucket, region);
    }
}
