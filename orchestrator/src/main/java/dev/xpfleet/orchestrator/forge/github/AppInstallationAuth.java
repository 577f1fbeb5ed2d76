package dev.xpfleet.orchestrator.forge.github;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.kohsuke.github.GHAppInstallationToken;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.authorization.AuthorizationProvider;

/**
 * Authenticates as a GitHub App installation: a short JWT signed with the App's key (RS256) buys an
 * installation token, which is cached and bought again five minutes before it expires. The key and
 * the tokens are never logged.
 */
final class AppInstallationAuth implements AuthorizationProvider, GitHubForge.Credentials {

    private static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    private final String apiUrl;
    private final long appId;
    private final long installationId;
    private final PrivateKey key;
    private final Clock clock;
    private String token;
    private String slug;
    private Instant expires = Instant.EPOCH;

    AppInstallationAuth(String apiUrl, long appId, long installationId, Path privateKey, Clock clock)
            throws IOException {
        this.apiUrl = apiUrl;
        this.appId = appId;
        this.installationId = installationId;
        this.key = readKey(Files.readString(privateKey));
        this.clock = clock;
    }

    @Override
    public synchronized String getEncodedAuthorization() throws IOException {
        return "token " + token();
    }

    /** The current installation token, for the fleet's own calls and pushes. */
    @Override
    public synchronized String token() throws IOException {
        if (token == null || clock.instant().isAfter(expires.minus(REFRESH_BEFORE))) {
            GitHub asApp = asApp();
            if (slug == null) {
                slug = asApp.getApp().getSlug();
            }
            GHAppInstallationToken fresh = asApp.getApp()
                    .getInstallationById(installationId)
                    .createToken()
                    .create();
            token = fresh.getToken();
            expires = fresh.getExpiresAt().toInstant();
        }
        return token;
    }

    /** Comments made with an installation token carry the App's bot login. */
    @Override
    public synchronized String login() throws IOException {
        if (slug == null) {
            token();
        }
        return slug + "[bot]";
    }

    /** A fresh token for one repository, contents read-only: what an agent needs to clone it. */
    @Override
    public String cloneToken(String repository) throws IOException {
        String name = repository.substring(repository.indexOf('/') + 1);
        return asApp().getApp()
                .getInstallationById(installationId)
                .createToken()
                .repositories(java.util.List.of(name))
                .permissions(java.util.Map.of("contents", org.kohsuke.github.GHPermissionType.READ))
                .create()
                .getToken();
    }

    private GitHub asApp() throws IOException {
        return new GitHubBuilder()
                .withEndpoint(apiUrl)
                .withJwtToken(jwt())
                // Buying a token must not sleep through a rate limit while the lock is held.
                .withRateLimitHandler(org.kohsuke.github.GitHubRateLimitHandler.FAIL)
                .withAbuseLimitHandler(org.kohsuke.github.GitHubAbuseLimitHandler.FAIL)
                .build();
    }

    /** A JWT for the App: issued a minute ago (clock drift), valid nine minutes (GitHub allows ten). */
    String jwt() throws IOException {
        Instant now = clock.instant();
        String header = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
        String payload = base64("{\"iat\":" + now.minusSeconds(60).getEpochSecond() + ",\"exp\":"
                + now.plusSeconds(540).getEpochSecond() + ",\"iss\":\"" + appId + "\"}");
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update((header + "." + payload).getBytes(StandardCharsets.US_ASCII));
            return header + "." + payload + "."
                    + Base64.getUrlEncoder().withoutPadding().encodeToString(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot sign the GitHub App JWT: " + e.getMessage(), e);
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    /** A PEM private key: PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY", as GitHub issues it). */
    static PrivateKey readKey(String pem) throws IOException {
        boolean pkcs1 = pem.contains("BEGIN RSA PRIVATE KEY");
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der;
        try {
            der = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IOException("the GitHub App private key is not PEM", e);
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1 ? pkcs8(der) : der));
        } catch (GeneralSecurityException e) {
            throw new IOException("the GitHub App private key is unreadable: " + e.getMessage(), e);
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo (version 0, rsaEncryption, no params). */
    private static byte[] pkcs8(byte[] pkcs1) {
        byte[] algorithm = {
            0x30,
            0x0d,
            0x06,
            0x09,
            0x2a,
            (byte) 0x86,
            0x48,
            (byte) 0x86,
            (byte) 0xf7,
            0x0d,
            0x01,
            0x01,
            0x01,
            0x05,
            0x00
        };
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] inner = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, inner, 0, version.length);
        System.arraycopy(algorithm, 0, inner, version.length, algorithm.length);
        System.arraycopy(octets, 0, inner, version.length + algorithm.length, octets.length);
        return der(0x30, inner);
    }

    private static byte[] der(int tag, byte[] content) {
        byte[] length;
        if (content.length < 128) {
            length = new byte[] {(byte) content.length};
        } else {
            byte[] n = BigInteger.valueOf(content.length).toByteArray();
            int start = n[0] == 0 ? 1 : 0;
            length = new byte[n.length - start + 1];
            length[0] = (byte) (0x80 | (n.length - start));
            System.arraycopy(n, start, length, 1, n.length - start);
        }
        byte[] out = new byte[1 + length.length + content.length];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, content.length);
        return out;
    }
}
