package dev.xpfleet.agent.dev;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Writes the change test-first: a failing test, then the code. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class DevAgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(DevAgentApplication.class, args);
    }
}
