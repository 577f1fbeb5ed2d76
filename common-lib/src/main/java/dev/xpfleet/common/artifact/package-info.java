/**
 * The artifact store: snapshots, QA reports, prompts and model answers kept in an S3 API (MinIO in
 * production, S3Proxy locally). Holds the connection settings, the client, the bucket created at
 * startup and the readiness check.
 */
package dev.xpfleet.common.artifact;
