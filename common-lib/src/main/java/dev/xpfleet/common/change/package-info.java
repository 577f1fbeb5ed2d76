/**
 * Conventions about a change that several agents must read the same way: which files hold tests
 * (the developer may only write those in its red phase; QA proves the change with them), and a
 * unified diff read as files and the lines it adds (QA's coverage and findings, the reviewer's
 * policy and comments).
 */
package dev.xpfleet.common.change;
