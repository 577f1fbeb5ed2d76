package dev.xpfleet.orchestrator.forge.github;

import dev.xpfleet.orchestrator.forge.ForgeException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.HttpException;

/** GitHub's answers turned into forge errors that carry GitHub's own message. */
final class GitHubErrors {

    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    private GitHubErrors() {}

    interface Call<T> {
        T run() throws IOException;
    }

    static <T> T call(String what, Call<T> call) {
        try {
            return call.run();
        } catch (IOException | RuntimeException e) {
            // The library's pages wrap an IOException in a runtime exception: look inside.
            if (e instanceof RuntimeException
                    && !(e instanceof ForgeException)
                    && e.getCause() instanceof IOException c) {
                return rethrow(what, c);
            }
            RateLimits.LimitedException limited = limited(e);
            if (limited != null) {
                throw new ForgeException.RateLimited(what + ": " + limited.getMessage());
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw translate(what, (IOException) e);
        }
    }

    private static <T> T rethrow(String what, IOException cause) {
        RateLimits.LimitedException limited = limited(cause);
        if (limited != null) {
            throw new ForgeException.RateLimited(what + ": " + limited.getMessage());
        }
        throw translate(what, cause);
    }

    private static ForgeException translate(String what, IOException failure) {
        try {
            throw failure;
        } catch (GHFileNotFoundException e) {
            return new ForgeException(what + ": GitHub found nothing (404): " + message(e));
        } catch (HttpException e) {
            int code = e.getResponseCode();
            if (code <= 0) {
                // No status at all: the answer timed out or the connection was cut.
                return new ForgeException.Transient(
                        what + ": cannot reach GitHub: no answer (timed out or the connection was cut)", e);
            }
            String reason = code == 401
                    ? "GitHub refused the credentials (401): " + message(e)
                    : "GitHub answered " + code + ": " + message(e);
            return code >= 500
                    ? new ForgeException.Transient(what + ": " + reason)
                    : new ForgeException(what + ": " + reason);
        } catch (IOException e) {
            return new ForgeException.Transient(what + ": cannot reach GitHub: " + e.getMessage(), e);
        }
    }

    /** The library may wrap what a limit handler threw: look through the causes. */
    private static RateLimits.LimitedException limited(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RateLimits.LimitedException limited) {
                return limited;
            }
        }
        return null;
    }

    /**
     * The messages of GitHub's JSON error body ("Validation Failed: A pull request already exists
     * for ..."), or the exception's first line.
     */
    static String message(IOException e) {
        String text = String.valueOf(e.getMessage());
        Matcher m = MESSAGE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            out.append(out.isEmpty() ? "" : ": ").append(m.group(1));
        }
        return !out.isEmpty() ? out.toString() : text.lines().findFirst().orElse(text);
    }

    static boolean isCode(IOException e, int code) {
        return e instanceof HttpException h && h.getResponseCode() == code;
    }
}
