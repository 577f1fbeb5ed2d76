/**
 * The developer's controller: model turns, the red and green phases it enforces, the limits it
 * keeps, and the evidence it reports. Nothing here trusts the model's answer or the issue text.
 */
package dev.xpfleet.agent.dev.loop;
