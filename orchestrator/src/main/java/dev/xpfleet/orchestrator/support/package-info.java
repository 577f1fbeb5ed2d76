/** Small pieces the orchestrator's features share. */
package dev.xpfleet.orchestrator.support;
