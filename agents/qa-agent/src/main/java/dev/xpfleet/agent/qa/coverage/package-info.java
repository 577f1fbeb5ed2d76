/** Coverage reports (JaCoCo, coverage.py, lcov) and the coverage of the lines a change adds. */
package dev.xpfleet.agent.qa.coverage;
