/**
 * Refactoring runs: the weekly schedule (once across replicas) and operators' runs send each
 * repository to a refactor agent, which finds the debt; what it finds is ranked, deduplicated and
 * capped here, opened as issues on the forge and worked on as tasks through the normal cycle.
 */
package dev.xpfleet.orchestrator.refactor;
