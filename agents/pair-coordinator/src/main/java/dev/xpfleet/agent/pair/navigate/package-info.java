/** The pair session's rules: who takes the next turn, when the navigator accepts, when it stops. */
package dev.xpfleet.agent.pair.navigate;
