package dev.xpfleet.orchestrator.api;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

    /** The OpenAPI description served at /v3/api-docs (itself behind a token, like every API path). */
    @Bean
    OpenAPI fleetOpenApi() {
        return new OpenAPI()
                .info(new Info()
                        .title("XP agent fleet orchestrator")
                        .description("Tasks, their timelines, the outbox and API tokens. Every path but health and"
                                + " the GitHub webhook needs 'Authorization: Bearer <token>'; errors are problem"
                                + " details (RFC 9457).")
                        .version("v1"))
                .components(new Components()
                        .addSecuritySchemes(
                                "bearer",
                                new SecurityScheme()
                                        .type(SecurityScheme.Type.HTTP)
                                        .scheme("bearer")
                                        .description("An API token (viewer, operator or admin role)")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
    }
}
