/**
 * The {@code dev.implement} step: the clone, the loop's assembly, and the result with its patch,
 * snapshot and evidence in the artifact store.
 */
package dev.xpfleet.agent.dev.implement;
