package dev.xpfleet.orchestrator.task;

/** Linear: dev, qa, review in turn. Pair: a driver and a navigator alternate. */
public enum TaskMode {
    LINEAR,
    PAIR
}
