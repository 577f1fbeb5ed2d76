/**
 * Software-delivery figures from what the fleet recorded: cost per merged pull request (tokens, and
 * US dollars where the gateway has prices), iterations to green, the share of changes QA and the
 * review sent back, and the time from a task's start to its merge. Served by {@code GET
 * /api/metrics/summary} and exported as gauges for the dashboards.
 */
package dev.xpfleet.orchestrator.sdlc;
