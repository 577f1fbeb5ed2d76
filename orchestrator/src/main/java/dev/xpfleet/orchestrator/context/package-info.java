/**
 * Repository context: source files of a repository at a commit, split into line chunks, embedded
 * in-process with all-MiniLM-L6-v2 (no network) and stored with pgvector for nearest-chunk search.
 */
package dev.xpfleet.orchestrator.context;
