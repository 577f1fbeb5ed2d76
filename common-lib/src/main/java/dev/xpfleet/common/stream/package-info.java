/**
 * Redis Streams contracts shared by every service: the versioned {@link
 * dev.xpfleet.common.stream.Envelope} and its codec, UUIDv7 event ids, agent roles, and the names of
 * every stream and key under the fleet's prefix (which also isolates tests from each other).
 */
package dev.xpfleet.common.stream;
