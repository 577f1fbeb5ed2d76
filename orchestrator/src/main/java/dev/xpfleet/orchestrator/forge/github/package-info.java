/**
 * The forge port on GitHub (and GitHub Enterprise): the REST API through kohsuke github-api, pushes
 * with JGit over HTTPS, authentication by token or as a GitHub App installation, rate limits
 * honoured.
 */
package dev.xpfleet.orchestrator.forge.github;
