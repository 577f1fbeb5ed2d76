/**
 * Pair sessions as the orchestrator keeps them: one row per session, and its fencing token. A
 * coordinator that takes a session's lock asks for the next token ({@code POST
 * /api/pair/sessions/{id}/fence}); the session's results are applied only with the current one.
 */
package dev.xpfleet.orchestrator.pair;
