/**
 * The forge port (repositories, branches, pull requests, comments, merges) and its adapters. The
 * local adapter needs no network: bare repositories in a data directory, pull requests kept by the
 * orchestrator, merges done with JGit.
 */
package dev.xpfleet.orchestrator.forge;
