package dev.xpfleet.orchestrator.budget;

/** A reservation did not fit: names the budget, its limit, and what is used and reserved. */
public final class BudgetExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient BudgetScope scope;
    private final String scopeKey;
    private final long limit;
    private final long used;
    private final long reserved;
    private final long requested;

    BudgetExceededException(BudgetScope scope, String scopeKey, long limit, long used, long reserved, long requested) {
        super("%s budget %s exceeded: limit %d tokens, used %d, reserved %d, this call needs up to %d"
                .formatted(scope.label(), scopeKey, limit, used, reserved, requested));
        this.scope = scope;
        this.scopeKey = scopeKey;
        this.limit = limit;
        this.used = used;
        this.reserved = reserved;
        this.requested = requested;
    }

    public BudgetScope scope() {
        return scope;
    }

    public String scopeKey() {
        return scopeKey;
    }

    public long limit() {
        return limit;
    }

    public long used() {
        return used;
    }

    public long reserved() {
        return reserved;
    }

    public long requested() {
        return requested;
    }
}
