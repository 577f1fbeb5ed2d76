package dev.xpfleet.orchestrator.gateway;

import tools.jackson.databind.node.ObjectNode;

/** One upstream: takes an OpenAI-shaped chat request, gives an OpenAI-shaped answer. */
interface ModelProvider {

    /** The configured name, e.g. {@code openai} or {@code replay}. */
    String name();

    /** The model asked for upstream. */
    String model();

    /**
     * One attempt; no retries here.
     *
     * @throws UpstreamException for any answer that is not a usable completion
     */
    Reply complete(ObjectNode request) throws UpstreamException;

    /** An answer, and whether it came from a recording rather than a live model. */
    record Reply(ObjectNode body, boolean replayed) {}
}
