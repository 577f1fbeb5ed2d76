/**
 * GitHub webhook intake: verifies the signature over the exact body, records each delivery once,
 * gates commands and labels on the sender's trust, and turns what it acts on into task changes,
 * all in one transaction.
 */
package dev.xpfleet.orchestrator.webhook;
