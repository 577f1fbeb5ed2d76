package dev.xpfleet.common.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Sha256Test {

    private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void everyFormGivesTheKnownDigest() throws Exception {
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        assertThat(Sha256.hex("abc".getBytes(StandardCharsets.UTF_8))).isEqualTo(ABC);
        assertThat(Sha256.hex(new ByteArrayInputStream("abc".getBytes(StandardCharsets.UTF_8))))
                .isEqualTo(ABC);
    }

    @Test
    void partsAreSeparated() {
        assertThat(Sha256.hexOfParts("ab", "c")).isNotEqualTo(Sha256.hexOfParts("a", "bc"));
        assertThat(Sha256.hexOfParts("abc")).isEqualTo(Sha256.hex("abc\0"));
    }
}
