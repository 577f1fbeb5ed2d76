/**
 * Test fixtures shared by every module (shipped as common-lib's test-jar): real PostgreSQL with
 * pgvector, Redis and an S3 endpoint for integration tests, from Testcontainers where a Docker engine
 * exists and from the local services of {@code deploy/local/fleet provision} otherwise, with a fresh
 * database, Redis key prefix and bucket per test class.
 */
package dev.xpfleet.common.testing;
