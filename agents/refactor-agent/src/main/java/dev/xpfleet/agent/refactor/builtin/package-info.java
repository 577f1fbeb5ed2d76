/**
 * The debt source with no SonarQube: complexity and size of Java methods and Python functions,
 * long files, copied code and churn, read from the repository without running any of it.
 */
package dev.xpfleet.agent.refactor.builtin;
