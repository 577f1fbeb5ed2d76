/** Hashing shared by the fleet's services. */
package dev.xpfleet.common.hash;
