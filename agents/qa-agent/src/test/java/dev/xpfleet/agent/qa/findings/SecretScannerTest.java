package dev.xpfleet.agent.qa.findings;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.change.ChangeSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretScannerTest {

    @TempDir
    Path ws;

    private List<Finding> scan(String content) throws Exception {
        Files.writeString(ws.resolve("Config.java"), content);
        int lines = (int) content.lines().count();
        StringBuilder diff =
                new StringBuilder("""
                diff --git a/Config.java b/Config.java
                new file mode 100644
                index 0000000..1111111
                --- /dev/null
                +++ b/Config.java
                """).append("@@ -0,0 +1,").append(lines).append(" @@\n");
        content.lines().forEach(l -> diff.append('+').append(l).append('\n'));
        return new SecretScanner().scan(ChangeSet.parse(diff.toString()));
    }

    @Test
    void cloudKeysTokensPrivateKeysAndRandomLookingLiteralsAreFoundWithoutRepeatingThem() throws Exception {
        List<Finding> findings = scan("""
                class Config {
                    String aws = "AKIAIOSFODNN7EXAMPLQ";
                    String gh = "ghp_abcdefghijklmnopqrstuvwxyz0123456789";
                    String pem = "-----BEGIN RSA PRIVATE KEY-----";
                    String token = "q8Zr2LxP0vN7kW4mT1yB6cH9sJ3dF5gA";
                }
                """);

        assertThat(findings)
                .extracting(Finding::rule, Finding::line)
                .contains(
                        org.assertj.core.groups.Tuple.tuple("aws-key", 2),
                        org.assertj.core.groups.Tuple.tuple("github-token", 3),
                        org.assertj.core.groups.Tuple.tuple("private-key", 4),
                        org.assertj.core.groups.Tuple.tuple("high-entropy-string", 5));
        assertThat(findings)
                .allSatisfy(f -> assertThat(f.message())
                        .doesNotContain("AKIA")
                        .doesNotContain("ghp_")
                        .doesNotContain("q8Zr"));
    }

    @Test
    void ordinaryCodeIsClean() throws Exception {
        assertThat(scan("""
                class Config {
                    String greeting = "Hello, world, how are you today?";
                    String path = "src/main/java/dev/xpfleet/Config";
                    String sha = "0000000000000000000000000000000000000000";
                    int answer = 42;
                }
                """)).isEmpty();
    }
}
