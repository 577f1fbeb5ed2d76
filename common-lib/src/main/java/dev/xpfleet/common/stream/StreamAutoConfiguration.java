package dev.xpfleet.common.stream;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Registers the stream settings in every service. */
@AutoConfiguration
@EnableConfigurationProperties(StreamProperties.class)
public class StreamAutoConfiguration {}
