package dev.xpfleet.agent.review.policy;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * Repository paths against {@code .fleet.yml} globs ({@code *} within a directory, {@code **}
 * across them). A glob ending in {@code /} covers everything under that directory.
 */
public final class Globs {

    private final List<PathMatcher> matchers;

    public Globs(List<String> globs) {
        this.matchers = globs.stream()
                .map(g -> g.endsWith("/") ? g + "**" : g)
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g))
                .toList();
    }

    public boolean matches(String path) {
        Path p = Path.of(path);
        return matchers.stream().anyMatch(m -> m.matches(p));
    }
}
