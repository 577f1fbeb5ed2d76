package dev.xpfleet.agent.refactor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Turns SonarQube hotspots into refactor tasks, weekly. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class RefactorAgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(RefactorAgentApplication.class, args);
    }
}
