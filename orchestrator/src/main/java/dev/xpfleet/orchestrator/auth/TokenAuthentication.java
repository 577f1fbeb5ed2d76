package dev.xpfleet.orchestrator.auth;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * A bearer token: unauthenticated as read from the request (only the raw token), authenticated
 * once {@link TokenAuthenticationProvider} found it (the caller, granted its role and every role
 * the role includes). The raw token is never kept after authentication.
 */
public final class TokenAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final transient String token;
    private final ApiTokens.Caller caller;

    private TokenAuthentication(String token, ApiTokens.Caller caller) {
        super(
                caller == null
                        ? List.of()
                        : caller.role().included().stream()
                                .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                                .toList());
        this.token = token;
        this.caller = caller;
        setAuthenticated(caller != null);
    }

    static TokenAuthentication unauthenticated(String token) {
        return new TokenAuthentication(token, null);
    }

    static TokenAuthentication authenticated(ApiTokens.Caller caller) {
        return new TokenAuthentication(null, caller);
    }

    String token() {
        return token;
    }

    /** The token's owner; null before authentication. */
    @Override
    public ApiTokens.Caller getPrincipal() {
        return caller;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public String getName() {
        return caller == null ? "" : caller.name();
    }
}
