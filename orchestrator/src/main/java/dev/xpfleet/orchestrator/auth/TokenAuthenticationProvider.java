package dev.xpfleet.orchestrator.auth;

import dev.xpfleet.orchestrator.support.DatabaseOutage;
import java.util.Optional;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/** Authenticates a bearer token by its SHA-256 against the API tokens that are not revoked. */
final class TokenAuthenticationProvider implements AuthenticationProvider {

    private final ApiTokens tokens;

    TokenAuthenticationProvider(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String token = ((TokenAuthentication) authentication).token();
        Optional<ApiTokens.Caller> caller;
        try {
            caller = tokens.find(token);
        } catch (RuntimeException e) {
            if (DatabaseOutage.causes(e)) {
                // Not the caller's fault: answered 503, not 401 (ProblemResponses).
                throw new TokensUnavailableException(e);
            }
            throw e;
        }
        return caller.map(TokenAuthentication::authenticated)
                .orElseThrow(() -> new BadCredentialsException("a valid bearer token is required"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return TokenAuthentication.class.isAssignableFrom(authentication);
    }
}
