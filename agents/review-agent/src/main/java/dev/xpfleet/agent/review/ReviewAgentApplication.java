package dev.xpfleet.agent.review;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Checks the Definition of Done and reviews the diff. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class ReviewAgentApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReviewAgentApplication.class, args);
    }
}
