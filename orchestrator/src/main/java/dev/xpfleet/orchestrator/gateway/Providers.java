package dev.xpfleet.orchestrator.gateway;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The configured upstreams, built once at startup (a wrong setting fails the start), and who uses which. */
@Component
class Providers {

    private final Map<String, ModelProvider> byName = new LinkedHashMap<>();
    private final GatewayProperties props;

    Providers(GatewayProperties props) {
        this.props = props;
        props.providers().forEach((name, config) -> {
            if (config.type() != GatewayProperties.ProviderType.RECORD) {
                byName.put(name, create(name, config));
            }
        });
        props.providers().forEach((name, config) -> {
            if (config.type() == GatewayProperties.ProviderType.RECORD) {
                String property = "fleet.gateway.providers." + name + ".delegate";
                requireKnown(property, String.valueOf(config.delegate()));
                byName.put(name, new RecordingProvider(name, config, byName.get(config.delegate())));
            }
        });
        props.roles().forEach((role, provider) -> requireKnown("fleet.gateway.roles." + role, provider));
        if (props.defaultProvider() != null && !props.defaultProvider().isBlank()) {
            requireKnown("fleet.gateway.default-provider", props.defaultProvider());
        }
    }

    /** The provider of this agent role, or of the default; empty when neither is configured. */
    Optional<ModelProvider> forRole(String role) {
        String name = props.roles().getOrDefault(role, props.defaultProvider());
        return name == null || name.isBlank() ? Optional.empty() : Optional.ofNullable(byName.get(name));
    }

    private void requireKnown(String property, String provider) {
        if (!byName.containsKey(provider)) {
            throw new IllegalArgumentException(property + " names provider '" + provider
                    + "', which is not under fleet.gateway.providers (known: " + byName.keySet() + ")");
        }
    }

    private static ModelProvider create(String name, GatewayProperties.Provider config) {
        return switch (config.type()) {
            case OPENAI -> new OpenAiCompatibleProvider(name, config);
            case ANTHROPIC -> new AnthropicProvider(name, config);
            case REPLAY -> new ReplayProvider(name, config);
            case RECORD -> throw new IllegalStateException("record providers are built after their delegates");
        };
    }
}
