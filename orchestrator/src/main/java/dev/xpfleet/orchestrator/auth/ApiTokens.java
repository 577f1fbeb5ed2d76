package dev.xpfleet.orchestrator.auth;

import dev.xpfleet.common.hash.Sha256;
import dev.xpfleet.common.stream.UuidV7;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** API tokens: created with a role, stored as SHA-256, looked up by hash. */
@Repository
public class ApiTokens {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;

    ApiTokens(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public record Caller(String name, ApiRole role) {}

    /** @return the new token, shown once */
    String create(String name, ApiRole role, String createdBy) {
        byte[] raw = new byte[20];
        RANDOM.nextBytes(raw);
        String token = "fleet_" + HexFormat.of().formatHex(raw);
        store(name, role, token, createdBy);
        return token;
    }

    void store(String name, ApiRole role, String token, String createdBy) {
        try {
            jdbc.sql("""
                            INSERT INTO api_tokens (id, name, role, token_hash, created_by)
                            VALUES (:id, :name, :role, :hash, :by)
                            """)
                    .param("id", UuidV7.next())
                    .param("name", name)
                    .param("role", role.name())
                    .param("hash", hash(token))
                    .param("by", createdBy)
                    .update();
        } catch (DuplicateKeyException e) {
            throw new IllegalArgumentException("a token named '" + name + "' exists already");
        }
    }

    /** Revokes the active token of that name; false when there is none. */
    boolean revoke(String name) {
        return jdbc.sql("UPDATE api_tokens SET revoked_at = now() WHERE name = :name AND revoked_at IS NULL")
                        .param("name", name)
                        .update()
                > 0;
    }

    /** Makes sure a configured token works with its role; replaces an older one with the same name. */
    void ensureBootstrap(String name, ApiRole role, String token) {
        jdbc.sql("DELETE FROM api_tokens WHERE name = :name AND (token_hash <> :hash OR role <> :role)")
                .param("name", name)
                .param("hash", hash(token))
                .param("role", role.name())
                .update();
        jdbc.sql("""
                        INSERT INTO api_tokens (id, name, role, token_hash, created_by)
                        VALUES (:id, :name, :role, :hash, 'configuration')
                        ON CONFLICT DO NOTHING
                        """)
                .param("id", UuidV7.next())
                .param("name", name)
                .param("role", role.name())
                .param("hash", hash(token))
                .update();
    }

    Optional<Caller> find(String token) {
        return jdbc.sql("SELECT name, role FROM api_tokens WHERE token_hash = :hash AND revoked_at IS NULL")
                .param("hash", hash(token))
                .query((rs, row) -> new Caller(rs.getString("name"), ApiRole.valueOf(rs.getString("role"))))
                .optional();
    }

    static String hash(String token) {
        return Sha256.hex(token);
    }
}
