/** What a change touches: files, the lines it adds, and which of them are tests. */
package dev.xpfleet.agent.qa.change;
