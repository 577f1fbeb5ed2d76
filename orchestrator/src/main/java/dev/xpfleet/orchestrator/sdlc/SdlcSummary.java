package dev.xpfleet.orchestrator.sdlc;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The delivery figures of a window ending now. Figures that need at least one event (a merged pull
 * request, a QA verdict, a review) are {@code null} when the window has none, never a made-up zero.
 *
 * @param since the window's start
 * @param days the window's length in days
 * @param merged pull requests the fleet's tasks merged in the window
 * @param tokensPerMerged tokens the gateway settled for the merged tasks (every iteration and role),
 *     per merged pull request
 * @param costPerMergedUsd the same in US dollars, from {@code fleet.gateway.prices}; null when a
 *     model used has no price
 * @param byRepository the same per repository
 * @param tokensPerMergedByRole tokens per merged pull request, per role
 * @param iterationsToGreen of the merged tasks: the iteration in which QA first passed the change
 * @param sentBack QA's and the review's verdicts in the window, and the share that sent the change
 *     back
 * @param issueToMerge seconds from a task's start (the labelled issue reaching the fleet) to its
 *     merge
 */
public record SdlcSummary(
        Instant since,
        int days,
        long merged,
        Double tokensPerMerged,
        Double costPerMergedUsd,
        List<Repository> byRepository,
        Map<String, Double> tokensPerMergedByRole,
        Spread iterationsToGreen,
        Map<String, Verdicts> sentBack,
        Spread issueToMerge) {

    /** One repository's merged pull requests and what each cost. */
    public record Repository(String repository, long merged, Double tokensPerMerged, Double costPerMergedUsd) {}

    /** A stage's verdicts: how many, how many sent the change back, and that share (null: none). */
    public record Verdicts(long verdicts, long sentBack, Double share) {}

    /** A spread of values: how many, their mean, median and 90th percentile (null: none). */
    public record Spread(long count, Double mean, Double median, Double p90) {}
}
