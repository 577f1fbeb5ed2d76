package dev.xpfleet.orchestrator.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

final class Stats {

    private Stats() {}

    /** The q-quantile of sorted values (nearest rank); 0 for none. */
    static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.clamp(rank, 0, sorted.length - 1)];
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
