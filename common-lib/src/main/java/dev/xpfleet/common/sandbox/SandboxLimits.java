package dev.xpfleet.common.sandbox;

import java.time.Duration;

/**
 * @param time wall-clock limit of one command
 * @param memoryBytes memory limit of everything the command starts
 * @param processes most processes and threads at once
 */
public record SandboxLimits(Duration time, long memoryBytes, int processes) {

    public SandboxLimits {
        if (time.isNegative() || time.isZero() || memoryBytes < 16L * 1024 * 1024 || processes < 4) {
            throw new IllegalArgumentException(
                    "limits too small: " + time + ", " + memoryBytes + " bytes, " + processes + " processes");
        }
    }
}
