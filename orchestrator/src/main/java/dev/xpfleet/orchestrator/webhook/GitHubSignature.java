package dev.xpfleet.orchestrator.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** {@code X-Hub-Signature-256}: HMAC-SHA256 of the exact body bytes, compared in constant time. */
public final class GitHubSignature {

    private static final String PREFIX = "sha256=";

    private GitHubSignature() {}

    /** True when the header matches the body under any of the secrets. */
    static boolean verify(byte[] body, String header, List<String> secrets) {
        if (header == null || !header.startsWith(PREFIX)) {
            return false;
        }
        byte[] given;
        try {
            given = HexFormat.of().parseHex(header.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean match = false;
        for (String secret : secrets) {
            // No early exit: every secret is tried, so timing says nothing about which one matched.
            match |= MessageDigest.isEqual(hmac(body, secret), given);
        }
        return match;
    }

    public static String sign(byte[] body, String secret) {
        return PREFIX + HexFormat.of().formatHex(hmac(body, secret));
    }

    private static byte[] hmac(byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
