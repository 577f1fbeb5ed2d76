package dev.xpfleet.common.redact;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void knownKeyAndTokenShapesAreRemoved() {
        String text = "openai sk-proj-abcdefghijklmnopqrstuvwx, github ghp_" + "A".repeat(36) + ", pat github_pat_"
                + "b".repeat(50) + ", aws AKIAABCDEFGHIJKLMNOP, slack xoxb-1234567890-abc";

        String redacted = Secrets.redact(text);

        assertThat(redacted)
                .doesNotContain("sk-proj-abc")
                .doesNotContain("ghp_AAA")
                .doesNotContain("github_pat_bbb")
                .doesNotContain("AKIAABCDEFGHIJKLMNOP")
                .doesNotContain("xoxb-123")
                .contains(
                        "[REDACTED api-key]",
                        "[REDACTED github-token]",
                        "[REDACTED aws-key]",
                        "[REDACTED slack-token]");
    }

    @Test
    void privateKeysUrlPasswordsBearerTokensAndSecretFieldsAreRemoved() {
        String key = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----";
        String json = "{\"db_password\":\"hunter2\",\"apiKey\":\"k-123\",\"name\":\"kept\"}";

        String redacted =
                Secrets.redact(key + " postgres://fleet:s3cret@db:5432/x Authorization: Bearer abcdefghijk123 " + json);

        assertThat(redacted)
                .contains("[REDACTED private-key]")
                .doesNotContain("MIIEow")
                .contains("postgres://fleet:[REDACTED url-password]@db:5432/x")
                .contains("Bearer [REDACTED bearer]")
                .doesNotContain("hunter2")
                .doesNotContain("k-123")
                .contains("\"name\":\"kept\"");
    }

    @Test
    void ordinaryTextIsLeftAlone() {
        String text = "Fix the NPE in TaskFlow.start when the issue body is empty; see https://example.com/a/b";
        assertThat(Secrets.redact(text)).isEqualTo(text);
        assertThat(Secrets.redact(null)).isNull();
    }

    @Test
    void kindsNamesWhatWouldBeRedacted() {
        assertThat(Secrets.kinds("aws = \"AKIAIOSFODNN7EXAMPLE\"; maps = \"AIzaSyA1234567890abcdefghijklmnopqrstuv\""))
                .containsExactly("aws-key", "google-api-key");
        assertThat(Secrets.kinds("int total = price * quantity;")).isEmpty();
        assertThat(Secrets.kinds(null)).isEmpty();
    }
}
