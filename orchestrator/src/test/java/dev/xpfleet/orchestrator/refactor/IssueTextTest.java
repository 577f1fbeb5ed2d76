package dev.xpfleet.orchestrator.refactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.stream.EnvelopeCodec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class IssueTextTest {

    @Test
    void analyserTextCannotMentionLinkEmbedOrCloseTheMarker() {
        JsonNode group = EnvelopeCodec.mapper().readTree("""
                {"rule": "java:S1`x", "ruleName": "@team see [here](http://evil) ![i](http://x/i.png) <!-- -->",
                 "file": "src/A.java\\n# Heading", "severity": "URGENT<script>", "debtMinutes": 12, "churn": 2,
                 "locations": [{"line": 3, "message": "`rm -rf` --> <b>x</b>"}]}
                """);

        String body = IssueText.body(group, "sonarqube");

        assertThat(body)
                .contains("`java:S1'x` `@team see [here](http://evil) ![i](http://x/i.png) <! -- -- >`")
                .contains("- **Severity**: MAJOR")
                .contains("`src/A.java # Heading`")
                .contains("line 3: `'rm -rf' -- > <b>x</b>`")
                .doesNotContain("<!--")
                .doesNotContain("-->")
                .contains("Behaviour must not change");
        assertThat(IssueText.title(group)).doesNotContain("\n");
    }
}
