/**
 * Tasks and their lifecycle: the states, the one table of allowed transitions, and the repository
 * that changes a task only along that table and only from the version the caller saw.
 */
package dev.xpfleet.orchestrator.task;
