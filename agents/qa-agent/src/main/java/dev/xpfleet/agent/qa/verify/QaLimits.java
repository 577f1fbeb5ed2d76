package dev.xpfleet.agent.qa.verify;

import dev.xpfleet.common.sandbox.SandboxLimits;

/**
 * @param prefetch limits of the dependency prefetch (networked, so usually longer)
 * @param test limits of each test run and analyser
 */
public record QaLimits(SandboxLimits prefetch, SandboxLimits test) {}
