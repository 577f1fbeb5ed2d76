/**
 * The REST API: tasks, their timelines, blocked outbox rows and API tokens. Every call but health
 * and the (signed) webhook needs a bearer token; tokens carry a role (viewer, operator, admin) and
 * are stored hashed. Errors are RFC 9457 problem details.
 */
package dev.xpfleet.orchestrator.api;
