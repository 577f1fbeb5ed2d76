package dev.xpfleet.orchestrator.budget;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Closes reservations a dead replica left open, at their full amount. Safe on every replica at
 * once: each reservation is closed by a conditional update, so only one closes it.
 */
@Component
class ReservationExpiry {

    private static final Logger log = LoggerFactory.getLogger(ReservationExpiry.class);

    private final TokenBudgets budgets;

    ReservationExpiry(TokenBudgets budgets) {
        this.budgets = budgets;
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1M")
    void expire() {
        try {
            int expired = budgets.expireStale();
            if (expired > 0) {
                log.warn(
                        "Closed {} model-call reservation(s) left open past the timeout, at their reserved amount",
                        expired);
            }
        } catch (DataAccessException e) {
            log.warn("Could not expire stale reservations: {}", e.getMessage());
        }
    }
}
