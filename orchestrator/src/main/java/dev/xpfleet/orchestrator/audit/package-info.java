/** The audit trail: who did what to which task, in the same transaction as the change itself. */
package dev.xpfleet.orchestrator.audit;
