package dev.xpfleet.orchestrator.forge;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.xpfleet.common.stream.EnvelopeCodec;
import dev.xpfleet.orchestrator.forge.github.GitHubForge;
import dev.xpfleet.orchestrator.forge.github.GitHubForgeConfiguration;
import dev.xpfleet.orchestrator.forge.github.GitHubProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Authentication as a GitHub App: the adapter signs a JWT with the App's key (PKCS#1 PEM, as GitHub
 * issues keys), buys an installation token with it once, and calls the API with that token.
 */
class GitHubAppAuthIT {

    WireMockServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
    }

    @Test
    void anInstallationTokenIsBoughtWithASignedJwtOnceAndAgentsGetAScopedReadOnlyOne() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Path pem = Files.createTempFile("app", ".pem");
        Files.writeString(pem, pkcs1Pem(keys.getPrivate().getEncoded()));
        Path root = Files.createTempDirectory("github-app");
        GitHubSimulator github = new GitHubSimulator(root);
        github.acceptedAuthorizations.add("token " + GitHubSimulator.TOKEN);
        github.createRepository("acme/app");
        server = new WireMockServer(options().dynamicPort().extensions(github));
        server.start();
        server.stubFor(any(anyUrl()).willReturn(ok()));

        GitHubForge forge = GitHubForgeConfiguration.create(
                new GitHubProperties(
                        server.baseUrl(), null, 4242L, 7L, pem, null, Duration.ofSeconds(5), Duration.ofSeconds(10)),
                Clock.systemUTC());

        assertThat(forge.repository("acme/app").defaultBranch()).isEqualTo("main");
        assertThat(forge.branchHead("acme/app", "none")).isEmpty();
        assertThat(forge.cloneToken("acme/app")).isEqualTo(GitHubSimulator.TOKEN);
        server.verify(2, postRequestedFor(urlPathEqualTo("/app/installations/7/access_tokens")));
        server.verify(
                1,
                postRequestedFor(urlPathEqualTo("/app/installations/7/access_tokens"))
                        .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.equalToJson(
                                "{\"repositories\":[\"app\"],\"permissions\":{\"contents\":\"read\"}}")));
        String jwt = github.seenAuthorizations.stream()
                .filter(a -> a.startsWith("Bearer "))
                .findFirst()
                .orElseThrow()
                .substring("Bearer ".length());
        String[] parts = jwt.split("\\.");
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(keys.getPublic());
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        JsonNode claims = EnvelopeCodec.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.path("iss").asString()).isEqualTo("4242");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isLessThanOrEqualTo(600);
    }

    /** The PKCS#1 RSAPrivateKey inside a PKCS#8 encoding (a 2048-bit key's fixed 26-byte header), as PEM. */
    static String pkcs1Pem(byte[] pkcs8) {
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        return "-----BEGIN RSA PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }
}
