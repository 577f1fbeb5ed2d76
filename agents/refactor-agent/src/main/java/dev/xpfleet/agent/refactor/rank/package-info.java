/**
 * Hotspots grouped per file and family, ranked, with a fingerprint the fleet deduplicates on.
 */
package dev.xpfleet.agent.refactor.rank;
