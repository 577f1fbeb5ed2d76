package dev.xpfleet.orchestrator.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GitHubSignatureTest {

    private static final byte[] BODY = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void acceptsTheSignatureOfAnyConfiguredSecret() {
        List<String> secrets = List.of("old-secret-0123456789", "new-secret-0123456789");

        assertThat(GitHubSignature.verify(BODY, GitHubSignature.sign(BODY, "old-secret-0123456789"), secrets))
                .isTrue();
        assertThat(GitHubSignature.verify(BODY, GitHubSignature.sign(BODY, "new-secret-0123456789"), secrets))
                .isTrue();
    }

    @Test
    void matchesGitHubsDocumentedExample() {
        // From GitHub's "Validating webhook deliveries" docs: secret "It's a Secret to Everybody".
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        assertThat(GitHubSignature.sign(body, "It's a Secret to Everybody"))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void refusesMissingMalformedForeignAndTamperedSignatures() {
        List<String> secrets = List.of("the-right-secret-0123");
        String good = GitHubSignature.sign(BODY, "the-right-secret-0123");

        assertThat(GitHubSignature.verify(BODY, null, secrets)).isFalse();
        assertThat(GitHubSignature.verify(BODY, "sha1=abc", secrets)).isFalse();
        assertThat(GitHubSignature.verify(BODY, "sha256=not-hex", secrets)).isFalse();
        assertThat(GitHubSignature.verify(BODY, GitHubSignature.sign(BODY, "another-secret-0123"), secrets))
                .isFalse();
        byte[] tampered = BODY.clone();
        tampered[3] ^= 1;
        assertThat(GitHubSignature.verify(tampered, good, secrets)).isFalse();
    }
}
