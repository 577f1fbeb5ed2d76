/**
 * The consumer runtime every agent rides on: reads its role's stream in a consumer group, runs
 * handlers on virtual threads within a concurrency limit, keeps long work owned with heartbeats,
 * reclaims entries of dead consumers, retries with backoff, dead-letters after N deliveries, and
 * publishes the result and acknowledges the entry in one atomic Redis script. An agent only writes
 * {@link dev.xpfleet.common.consumer.MessageHandler}s.
 */
package dev.xpfleet.common.consumer;
