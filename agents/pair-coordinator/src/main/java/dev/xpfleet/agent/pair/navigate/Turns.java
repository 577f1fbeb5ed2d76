package dev.xpfleet.agent.pair.navigate;

import dev.xpfleet.common.stream.MessageTypes;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * What a pair session does next, from the turn that just ended: the driver (the developer)
 * proposes, the navigator checks the proposal (QA proves it, the reviewer judges it; per
 * repository {@code both}, {@code qa} or {@code review}), and the session goes round until the
 * navigator accepts, {@code max_iters} is reached, or it stops converging (the same tests fail,
 * or the same blocking findings stand, as in the iteration before). In ping-pong mode ({@code
 * .fleet.yml} {@code pair: ping-pong: true}) each iteration is two driver turns: one writes the next
 * failing test, the other makes it pass, then QA proves it; the next iteration's test turn swaps
 * the roles, until a test turn finds the tests done and the navigator judges the whole.
 * Pure: the same turn always gives the same decision, so a turn handled again after a crash decides
 * the same.
 */
public final class Turns {

    private static final int MAX_FAILING_LISTED = 50;

    private Turns() {}

    /**
     * @param action {@code drive}, {@code test}, {@code review}, {@code accept} or {@code stop}
     * @param iteration the iteration it is about (the next one for a new proposal)
     * @param reason why, for a stop or a new iteration
     * @param pairRole for a ping-pong driver's turn: {@code tests} or {@code code}; else ""
     */
    public record Decision(String action, int iteration, String reason, String pairRole) {

        public Decision(String action, int iteration, String reason) {
            this(action, iteration, reason, "");
        }
    }

    /** The decision for a {@code pair.start} or {@code pair.turn} message's payload. */
    public static Decision decide(String type, JsonNode payload) {
        int iteration = Math.max(1, payload.path("iteration").asInt(1));
        if (MessageTypes.PAIR_START.equals(type)) {
            return new Decision("drive", iteration, "the session starts");
        }
        String navigator = payload.path("navigator").asString("both");
        JsonNode output = payload.path("output");
        int maxIters = payload.path("maxIters").asInt(iteration);
        boolean pingPong = payload.path("pingPong").asBoolean(false);
        String step = payload.path("step").asString("");
        if (pingPong
                && step.equals("drive")
                && output.path("pairRole").asString("").equals("tests")
                && !output.path("status").asString("").equals("TESTS_DONE")) {
            return new Decision(
                    "drive", iteration, "ping-pong: the other turn makes the new failing test pass", "code");
        }
        boolean testsDone = payload.path("driver").path("status").asString("").equals("TESTS_DONE");
        if (pingPong && step.equals("test") && !testsDone) {
            return "PASSED".equals(output.path("verdict").asString(""))
                    ? next(iteration, maxIters, "ping-pong: QA passed; roles swap for the next failing test", "tests")
                    : tested(
                            iteration,
                            maxIters,
                            "qa",
                            output,
                            payload.path("before").path("test"),
                            "code");
        }
        return switch (step) {
            case "drive" ->
                "review".equals(navigator)
                        ? new Decision("review", iteration, "the reviewer navigates")
                        : new Decision("test", iteration, "QA proves the proposal first");
            case "test" ->
                tested(
                        iteration,
                        maxIters,
                        navigator,
                        output,
                        payload.path("before").path("test"),
                        "");
            case "review" ->
                reviewed(iteration, maxIters, output, payload.path("before").path("review"), pingPong ? "tests" : "");
            default -> new Decision("stop", iteration, "a turn with an unknown step '" + payload.path("step") + "'");
        };
    }

    private static Decision tested(
            int iteration, int maxIters, String navigator, JsonNode qa, JsonNode before, String pairRole) {
        if ("PASSED".equals(qa.path("verdict").asString(""))) {
            return "qa".equals(navigator)
                    ? new Decision("accept", iteration, "QA passed and QA alone navigates")
                    : new Decision("review", iteration, "QA passed");
        }
        Set<String> failing = strings(qa.path("failing"));
        // Only when both lists are whole: QA names at most 50 failing tests.
        if (!failing.isEmpty()
                && qa.path("failing").size() < MAX_FAILING_LISTED
                && before.path("failing").size() < MAX_FAILING_LISTED
                && "FAILED".equals(before.path("verdict").asString(""))
                && failing.equals(strings(before.path("failing")))) {
            return new Decision(
                    "stop",
                    iteration,
                    "not converging: the same " + failing.size() + " test(s) fail as in the iteration before");
        }
        String why = "QA: "
                + firstLine(
                        qa.path("reasons").path(0).asString(qa.path("summary").asString("failed")));
        return next(iteration, maxIters, why, pairRole);
    }

    private static Decision reviewed(int iteration, int maxIters, JsonNode review, JsonNode before, String pairRole) {
        String decision = review.path("decision").asString("");
        if ("APPROVE".equals(decision)) {
            return new Decision("accept", iteration, "the reviewer approved");
        }
        if ("NEEDS_HUMAN".equals(decision)) {
            return new Decision(
                    "stop", iteration, "review: " + review.path("reason").asString("a person must look"));
        }
        Set<String> blocking = strings(review.path("blocking"));
        if (!blocking.isEmpty() && blocking.equals(strings(before.path("blocking")))) {
            return new Decision(
                    "stop",
                    iteration,
                    "not converging: the review's " + blocking.size()
                            + " blocking finding(s) stand unresolved after another iteration");
        }
        return next(iteration, maxIters, "review: " + decision, pairRole);
    }

    private static Decision next(int iteration, int maxIters, String why, String pairRole) {
        if (iteration >= maxIters) {
            return new Decision(
                    "stop", iteration, "max_iters (" + maxIters + ") reached without the navigator's accept; " + why);
        }
        return new Decision("drive", iteration + 1, why, pairRole);
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asString("")));
        values.remove("");
        return values;
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
