package dev.xpfleet.agent.qa.findings;

import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.redact.Secrets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for secrets in the lines a change adds (tests included: a key in a test is as leaked as
 * one in production code): provider keys and tokens by the rules the fleet redacts logs with,
 * private key blocks, and long high-entropy string literals. The secret itself never appears in
 * a finding.
 */
public final class SecretScanner {

    private static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----");
    private static final Pattern LITERAL = Pattern.compile("[\"'`]([A-Za-z0-9+/=_\\-]{24,})[\"'`]");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]+");
    private static final double BASE64_ENTROPY = 4.5;
    private static final double HEX_ENTROPY = 3.5;
    private static final int MAX_LINE = 2_000;

    /** The added lines as the diff carries them: what the tests did to the tree does not matter. */
    public List<Finding> scan(ChangeSet change) {
        List<Finding> findings = new ArrayList<>();
        for (ChangeSet.FileChange file : change.files()) {
            file.addedText().forEach((number, line) -> scanLine(file.path(), number, line, findings));
        }
        return findings;
    }

    private static void scanLine(String file, int number, String line, List<Finding> findings) {
        if (line.length() > MAX_LINE) {
            line = line.substring(0, MAX_LINE);
        }
        for (String kind : Secrets.kinds(line)) {
            findings.add(
                    new Finding("secrets", kind, file, number, "a secret (" + kind + ") is committed in the code"));
        }
        if (PRIVATE_KEY.matcher(line).find()) {
            findings.add(new Finding("secrets", "private-key", file, number, "a private key is committed in the code"));
        }
        Matcher literal = LITERAL.matcher(line);
        while (literal.find()) {
            String value = literal.group(1);
            boolean hex = HEX.matcher(value).matches();
            double entropy = entropy(value);
            if (hex ? value.length() >= 40 && entropy >= HEX_ENTROPY : entropy >= BASE64_ENTROPY) {
                findings.add(new Finding(
                        "secrets",
                        "high-entropy-string",
                        file,
                        number,
                        "a %d-character string with %.1f bits of entropy per character looks like a credential"
                                .formatted(value.length(), entropy)));
            }
        }
    }

    /** Shannon entropy in bits per character. */
    static double entropy(String s) {
        int[] counts = new int[128];
        for (char c : s.toCharArray()) {
            counts[c & 127]++;
        }
        double bits = 0;
        for (int n : counts) {
            if (n > 0) {
                double p = (double) n / s.length();
                bits -= p * Math.log(p) / Math.log(2);
            }
        }
        return bits;
    }
}
