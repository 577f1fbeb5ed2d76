/**
 * The model gateway: an OpenAI-compatible subset ({@code POST /v1/chat/completions}) that agents
 * call with their task and role. It is the only place that holds provider keys; it checks every
 * call against the token budgets before making it, retries upstream trouble within limits, and
 * archives every exchange with secrets redacted.
 */
package dev.xpfleet.orchestrator.gateway;
