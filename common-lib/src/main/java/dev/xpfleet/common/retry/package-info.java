/** How the fleet waits before trying again. */
package dev.xpfleet.common.retry;
