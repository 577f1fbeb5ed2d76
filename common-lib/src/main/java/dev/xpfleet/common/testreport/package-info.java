/**
 * Reading what repository code wrote about its tests (JUnit-style XML), safely: no DOCTYPEs, no
 * external entities, size-capped. Shared by the developer (red and green evidence) and QA (the
 * TDD proof).
 */
package dev.xpfleet.common.testreport;
