package dev.xpfleet.agent.dev.loop;

/**
 * The developer's part in a ping-pong pair session ({@code .fleet.yml} {@code pair: ping-pong:
 * true}): it writes the next failing test and stops once it is proven failing, or makes the failing
 * tests pass; {@code SOLO} is the whole red-green loop, as everywhere else.
 */
public enum PairTurn {
    SOLO,
    /** Write the next failing test (red proven, then stop); no change at all: the tests are done. */
    TESTS,
    /** Make the failing tests the other turn wrote pass. */
    CODE;

    /** The turn a pair session's message asks for: {@code tests}, {@code code}, or none. */
    public static PairTurn of(String name) {
        return switch (name == null ? "" : name) {
            case "" -> SOLO;
            case "tests" -> TESTS;
            case "code" -> CODE;
            default -> throw new IllegalArgumentException("pairRole must be tests or code, got '" + name + "'");
        };
    }
}
