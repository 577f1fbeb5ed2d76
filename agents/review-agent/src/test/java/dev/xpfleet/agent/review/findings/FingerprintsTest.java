package dev.xpfleet.agent.review.findings;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FingerprintsTest {

    @Test
    void reindentingTheCodeOrRenumberingTheTextKeepsTheFingerprint() {
        assertThat(Fingerprints.fingerprint("a.py", "tests", "return  a-b", "Line 6: no test for sub!"))
                .isEqualTo(Fingerprints.fingerprint("a.py", "tests", "return a - b", "line 9 no test for sub"));
        assertThat(Fingerprints.fingerprint("a.py", "tests", "return a - b", "no test for sub"))
                .isNotEqualTo(Fingerprints.fingerprint("b.py", "tests", "return a - b", "no test for sub"))
                .isNotEqualTo(Fingerprints.fingerprint("a.py", "security", "return a - b", "no test for sub"));
    }
}
