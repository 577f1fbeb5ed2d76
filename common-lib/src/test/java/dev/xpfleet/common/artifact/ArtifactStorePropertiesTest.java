package dev.xpfleet.common.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ArtifactStorePropertiesTest {

    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void neverShowsTheKeys() {
        ArtifactStoreProperties props = new ArtifactStoreProperties(
                URI.create("http://127.0.0.1:9000"),
                "AKIDEXAMPLE",
                "s3cr3t-value",
                "fleet-artifacts",
                "us-east-1",
                Duration.ofSeconds(5));

        assertThat(props.toString())
                .contains("http://127.0.0.1:9000")
                .doesNotContain("AKIDEXAMPLE")
                .doesNotContain("s3cr3t-value");
    }

    @Test
    void missingKeysAndBadBucketAreRejectedByName() {
        ArtifactStoreProperties props = new ArtifactStoreProperties(
                URI.create("http://127.0.0.1:9000"), "", null, "Not_A_Bucket", "us-east-1", Duration.ofSeconds(5));

        Set<String> invalid = validator.validate(props).stream()
                .map(ConstraintViolation::getPropertyPath)
                .map(Object::toString)
                .collect(Collectors.toSet());

        assertThat(invalid).containsExactlyInAnyOrder("accessKey", "secretKey", "bucket");
    }
}
