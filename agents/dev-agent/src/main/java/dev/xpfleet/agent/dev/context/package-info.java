/**
 * What the developer's model sees of a repository before it asks: the ranked repository map, with
 * declarations read by parsers.
 */
package dev.xpfleet.agent.dev.context;
