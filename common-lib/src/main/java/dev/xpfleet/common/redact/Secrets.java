package dev.xpfleet.common.redact;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes secrets from text before it is stored or logged: API keys and tokens of the common
 * providers, private key blocks, passwords in URLs, bearer tokens, and values of JSON fields named
 * like secrets. What is left says what was removed, e.g. {@code [REDACTED github-token]}.
 */
public final class Secrets {

    private record Rule(String label, Pattern pattern, String replacement) {}

    private static final List<Rule> RULES = List.of(
            new Rule(
                    "private-key",
                    Pattern.compile("-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\\s\\S]*?-----END \\1PRIVATE KEY-----"),
                    "[REDACTED private-key]"),
            new Rule(
                    "url-password",
                    Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://[^\\s/:@\"]+):([^\\s@/\"]+)@"),
                    "$1:[REDACTED url-password]@"),
            new Rule("bearer", Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"), "$1[REDACTED bearer]"),
            new Rule("openai-key", Pattern.compile("\\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{16,}"), "[REDACTED api-key]"),
            new Rule(
                    "github-token",
                    Pattern.compile("\\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
                    "[REDACTED github-token]"),
            new Rule("aws-key", Pattern.compile("\\b(?:AKIA|ASIA)[A-Z0-9]{16}\\b"), "[REDACTED aws-key]"),
            new Rule("google-api-key", Pattern.compile("\\bAIza[0-9A-Za-z_-]{35}\\b"), "[REDACTED google-api-key]"),
            new Rule("slack-token", Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{10,}"), "[REDACTED slack-token]"),
            new Rule(
                    "secret-field",
                    Pattern.compile(
                            "(?i)(\"[a-z0-9_-]*(?:password|passwd|secret|api[_-]?key|token|private[_-]?key)[a-z0-9_-]*\"\\s*:\\s*\")[^\"]+(\")"),
                    "$1[REDACTED secret-field]$2"));

    private Secrets() {}

    /**
     * The kinds of secret in {@code text}, by the same rules {@link #redact} removes them with
     * (e.g. {@code aws-key}, {@code github-token}); empty when there are none.
     */
    public static List<String> kinds(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        return RULES.stream()
                .filter(rule -> rule.pattern().matcher(text).find())
                .map(Rule::label)
                .toList();
    }

    public static String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(result);
            if (m.find()) {
                result = m.replaceAll(rule.replacement());
            }
        }
        return result;
    }
}
