package dev.xpfleet.orchestrator.auth;

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
        return tokens.find(token)
                .map(TokenAuthentication::authenticated)
                .orElseThrow(() -> new BadCredentialsException("a valid bearer token is required"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return TokenAuthentication.class.isAssignableFrom(authentication);
    }
}
