package dev.xpfleet.agent.qa;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Runs the build, tests, lint, static analysis and coverage in a sandbox, and proves TDD. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QaAgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(QaAgentApplication.class, args);
    }
}
