/**
 * The model's tools in the workspace (list, read, search, edit by exact search/replace, delete),
 * the strict parser of its answers, and the path rules every write goes through.
 */
package dev.xpfleet.agent.dev.tools;
