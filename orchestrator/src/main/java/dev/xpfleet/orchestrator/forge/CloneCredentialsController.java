package dev.xpfleet.orchestrator.forge;

import dev.xpfleet.common.workspace.Names;
import dev.xpfleet.orchestrator.forge.github.GitHubForge;
import dev.xpfleet.orchestrator.support.UnavailableException;
import io.swagger.v3.oas.annotations.Operation;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * How an agent clones a repository: the URL and, on GitHub, a short-lived token (an App
 * installation token lasts an hour). For agents only; never cached, never logged.
 */
@RestController
class CloneCredentialsController {

    private final ObjectProvider<Forge> forges;

    CloneCredentialsController(ObjectProvider<Forge> forges) {
        this.forges = forges;
    }

    @Operation(summary = "Clone URL and short-lived credentials of a repository (agent)")
    @GetMapping("/api/forge/clone-credentials")
    ResponseEntity<Map<String, Object>> credentials(@RequestParam String repository) {
        if (!Names.isRepository(repository)) {
            throw new IllegalArgumentException("repository must look like owner/name, got '" + repository + "'");
        }
        Forge forge = forges.getIfAvailable();
        if (forge == null) {
            throw new UnavailableException("no forge is configured");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("url", forge.cloneUri(repository));
        if (forge instanceof GitHubForge github) {
            body.put("username", "x-access-token");
            body.put("password", github.cloneToken(repository));
        }
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }
}
