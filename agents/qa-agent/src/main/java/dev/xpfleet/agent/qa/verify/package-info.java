/**
 * The {@code qa.verify} step: prefetch, the three test runs, the TDD proof, coverage of changed
 * lines, lint, static security analysis and secret scanning, folded into one QA report.
 */
package dev.xpfleet.agent.qa.verify;
