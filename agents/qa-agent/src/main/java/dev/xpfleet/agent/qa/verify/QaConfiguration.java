package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.agent.qa.findings.Analysers;
import dev.xpfleet.common.sandbox.Sandbox;
import dev.xpfleet.common.sandbox.SandboxLimits;
import java.io.IOException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class QaConfiguration {

    @Bean
    Sandbox repositorySandbox(dev.xpfleet.agent.qa.sandbox.SandboxProperties sandboxProps) {
        return new Sandbox(sandboxProps.allowUnsandboxed());
    }

    @Bean
    QaLimits qaLimits(QaProperties props) {
        long memory = props.memory().toBytes();
        return new QaLimits(
                new SandboxLimits(props.prefetchTime(), memory, props.processes()),
                new SandboxLimits(props.testTime(), memory, props.processes()));
    }

    @Bean
    Analysers analysers(Sandbox sandbox, QaProperties props, QaLimits limits) throws IOException {
        return new Analysers(sandbox, props.toolsDir(), props.workRoot().resolve("config"), limits.test());
    }

    @Bean
    QaVerifier qaVerifier(Sandbox sandbox, Analysers analysers, QaLimits limits) {
        return new QaVerifier(sandbox, analysers, limits);
    }
}
