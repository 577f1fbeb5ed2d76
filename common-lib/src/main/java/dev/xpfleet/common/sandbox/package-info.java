/**
 * Running repository code that a model wrote: no network, an unprivileged user, only the
 * workspace writable, and limits on time, memory and processes, each of which ends the run with
 * its reason instead of hanging or crashing the agent.
 */
package dev.xpfleet.common.sandbox;
