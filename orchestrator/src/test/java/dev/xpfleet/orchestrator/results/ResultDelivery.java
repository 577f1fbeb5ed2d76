package dev.xpfleet.orchestrator.results;

import dev.xpfleet.common.stream.Envelope;
import org.springframework.context.ApplicationContext;

/** Lets tests of other packages deliver a result as the results consumer does, without Redis. */
public final class ResultDelivery {

    private final ResultApplier applier;

    public ResultDelivery(ApplicationContext context) {
        this.applier = context.getBean(ResultApplier.class);
    }

    /** @return false when it was a redelivery and changed nothing */
    public boolean deliver(Envelope result) {
        return applier.apply(result, "results");
    }
}
