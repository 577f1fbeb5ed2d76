/**
 * The agents' side of the model gateway: a small client for the orchestrator's OpenAI-compatible
 * {@code /v1/chat/completions}, so no agent talks to a provider or holds a provider key.
 */
package dev.xpfleet.common.model;
