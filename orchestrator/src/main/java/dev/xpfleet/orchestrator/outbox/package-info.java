/**
 * The transactional outbox and its relay: a state change and the message announcing it are one
 * transaction; one relay at a time (advisory lock, with failover) publishes the rows to the role's
 * Redis stream in id order per task, retries with backoff and blocks rows that keep failing.
 */
package dev.xpfleet.orchestrator.outbox;
