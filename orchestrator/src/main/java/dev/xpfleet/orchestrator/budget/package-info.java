/**
 * Token budgets: per task, per repository per day, global per month, kept as a ledger in
 * PostgreSQL. A model call reserves its worst case before it is made and settles to its real usage
 * after; reservations never pass a limit, real usage passes it at most by the estimation error of
 * the calls in flight.
 */
package dev.xpfleet.orchestrator.budget;
