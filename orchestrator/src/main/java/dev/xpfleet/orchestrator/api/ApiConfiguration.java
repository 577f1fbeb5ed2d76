package dev.xpfleet.orchestrator.api;

import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ApiProperties.class)
class ApiConfiguration {

    @Bean
    FilterRegistrationBean<ApiAuthFilter> apiAuthFilter(ApiTokens tokens) {
        FilterRegistrationBean<ApiAuthFilter> registration = new FilterRegistrationBean<>(new ApiAuthFilter(tokens));
        registration.addUrlPatterns("/*");
        registration.setOrder(0);
        return registration;
    }

    @Bean
    ApplicationRunner bootstrapAdminToken(ApiProperties props, ApiTokens tokens) {
        return args -> {
            if (props.bootstrapAdminToken() != null) {
                tokens.ensureBootstrap(props.bootstrapAdminToken());
            }
        };
    }
}
