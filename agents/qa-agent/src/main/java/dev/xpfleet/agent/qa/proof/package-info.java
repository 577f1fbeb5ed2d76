/** The test-driven proof: which tests fail without the change and pass with it, and which regress. */
package dev.xpfleet.agent.qa.proof;
