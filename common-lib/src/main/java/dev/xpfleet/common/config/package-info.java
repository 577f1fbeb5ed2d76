/**
 * Fleet-wide configuration defaults (actuator probes, Redis, graceful shutdown), added to every
 * service's environment with the lowest precedence so each service and each deployment can override
 * them.
 */
package dev.xpfleet.common.config;
