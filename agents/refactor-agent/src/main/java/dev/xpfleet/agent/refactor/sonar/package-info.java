/**
 * SonarQube's Web API, read only: issues, the deprecated hotspots and measures.
 */
package dev.xpfleet.agent.refactor.sonar;
