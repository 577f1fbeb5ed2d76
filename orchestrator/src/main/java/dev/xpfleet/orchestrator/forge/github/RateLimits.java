package dev.xpfleet.orchestrator.forge.github;

import dev.xpfleet.orchestrator.support.RetryAfter;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's rate limits honoured: the primary limit ({@code X-RateLimit-Remaining: 0} until {@code
 * X-RateLimit-Reset}) and secondary limits ({@code Retry-After}). A wait up to {@code maxWait} is
 * waited out and the call retried (the library retries after the handler returns); a longer one
 * fails at once with GitHub's reset time, so a task never hangs on a rate limit.
 */
final class RateLimits {

    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);

    /** The limit would hold the call longer than allowed. */
    static final class LimitedException extends IOException {
        private static final long serialVersionUID = 1L;

        LimitedException(String message) {
            super(message);
        }
    }

    private RateLimits() {}

    static GitHubRateLimitHandler primary(Duration maxWait) {
        return new GitHubRateLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                String reset = response.header("X-RateLimit-Reset");
                Duration wait = reset == null
                        ? Duration.ofSeconds(60)
                        : Duration.between(Instant.now(), Instant.ofEpochSecond(Long.parseLong(reset.strip())));
                waitOrFail(
                        wait,
                        maxWait,
                        "GitHub's rate limit is used up until "
                                + (reset == null
                                        ? "an unknown time"
                                        : Instant.ofEpochSecond(Long.parseLong(reset.strip()))));
            }
        };
    }

    static GitHubAbuseLimitHandler secondary(Duration maxWait) {
        return new GitHubAbuseLimitHandler() {
            @Override
            public void onError(GitHubConnectorResponse response) throws IOException {
                // Seconds or an HTTP date; without a readable one, GitHub's advice: a minute.
                Duration asked = RetryAfter.parse(response.header("Retry-After"), Instant.now());
                Duration wait = asked == null ? Duration.ofSeconds(60) : asked;
                waitOrFail(wait, maxWait, "GitHub's secondary rate limit asks to wait " + wait.toSeconds() + " s");
            }
        };
    }

    private static void waitOrFail(Duration wait, Duration maxWait, String what) throws IOException {
        if (wait.compareTo(maxWait) > 0) {
            throw new LimitedException(what + " (longer than fleet.forge.github.max-rate-limit-wait " + maxWait + ")");
        }
        log.warn("{}: waiting {} ms before retrying", what, Math.max(0, wait.toMillis()));
        try {
            // The library retries the call when this handler returns: it must block until then.
            Thread.sleep(Math.max(0, wait.toMillis()) + 250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LimitedException(what + " (interrupted while waiting)");
        }
    }
}
