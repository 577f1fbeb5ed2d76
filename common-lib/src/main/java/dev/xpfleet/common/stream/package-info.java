/**
 * Redis Streams contracts shared by every service: the key prefix that namespaces all streams of
 * one fleet (and isolates tests from each other).
 */
package dev.xpfleet.common.stream;
