/**
 * The results consumer: every replica reads {@code fleet:results} in one consumer group and applies
 * each agent result in one transaction (dedupe by event id, agent log, task transition, next step
 * in the outbox), acknowledging only after the commit; unreadable results go to a dead-letter
 * stream.
 */
package dev.xpfleet.orchestrator.results;
