/**
 * The {@code refactor.scan} step: a repository's settings, its debt from SonarQube or the
 * built-in analysis, ranked and grouped for the orchestrator, which decides what to open.
 */
package dev.xpfleet.agent.refactor.scan;
