/**
 * Conventions about a change that several agents must read the same way: which files hold tests
 * (the developer may only write those in its red phase; QA proves the change with them).
 */
package dev.xpfleet.common.change;
