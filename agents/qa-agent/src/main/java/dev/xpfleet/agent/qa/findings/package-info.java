/**
 * What the analysers found on the lines a change adds: secrets, SpotBugs/FindSecBugs security
 * bugs, lint rules. Each finding names file, line and rule, so a developer can act on it.
 */
package dev.xpfleet.agent.qa.findings;
