package dev.xpfleet.agent.pair;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Alternates a driver and a navigator until the navigator accepts. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PairCoordinatorApplication {

    public static void main(String[] args) {
        SpringApplication.run(PairCoordinatorApplication.class, args);
    }
}
