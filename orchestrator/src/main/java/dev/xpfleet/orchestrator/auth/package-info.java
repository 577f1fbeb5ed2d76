/**
 * Who may call what: API tokens (stored as SHA-256, with a role), their authentication through
 * Spring Security, the path table of roles, and refusals as problem details. Every feature's
 * controller gets its caller from here; nothing here knows the features.
 */
package dev.xpfleet.orchestrator.auth;
