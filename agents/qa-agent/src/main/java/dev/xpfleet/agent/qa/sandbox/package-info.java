/**
 * The QA agent's side of the shared sandbox (common-lib {@code dev.xpfleet.common.sandbox}): its
 * readiness and the operator's switch to run repository code unconfined where no sandbox can be had.
 */
package dev.xpfleet.agent.qa.sandbox;
