package dev.xpfleet.agent.dev.loop;

/** What a turn led to: an observation for the model, or the end of the iteration. */
record Step(String observation, LoopOutcome outcome) {

    static Step observe(String text) {
        return new Step(text, null);
    }

    static Step end(LoopOutcome outcome) {
        return new Step(null, outcome);
    }
}
