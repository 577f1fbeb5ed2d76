package dev.xpfleet.orchestrator.gateway;

import dev.xpfleet.orchestrator.budget.BudgetProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({GatewayProperties.class, BudgetProperties.class})
class GatewayConfiguration {}
