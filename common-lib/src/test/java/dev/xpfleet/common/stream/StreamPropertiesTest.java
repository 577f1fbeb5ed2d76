package dev.xpfleet.common.stream;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

class StreamPropertiesTest {

    private final Validator validator =
            Validation.buildDefaultValidatorFactory().getValidator();

    @Test
    void keysAreNamespacedByThePrefix() {
        assertThat(new StreamProperties("fleet:").key("tasks:dev")).isEqualTo("fleet:tasks:dev");
    }

    @Test
    void prefixMustEndWithAColonAndHoldNoSpaces() {
        assertThat(validator.validate(new StreamProperties("fleet"))).hasSize(1);
        assertThat(validator.validate(new StreamProperties("my fleet:"))).hasSize(1);
        assertThat(validator.validate(new StreamProperties("it:ab12:"))).isEmpty();
    }
}
