/**
 * What to run in a repository: its build tool detected from the files it has, or the commands and
 * thresholds its {@code .fleet.yml} sets; and how to read the per-test reports the run leaves.
 */
package dev.xpfleet.agent.qa.build;
