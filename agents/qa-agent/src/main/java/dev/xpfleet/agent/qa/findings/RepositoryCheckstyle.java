package dev.xpfleet.agent.qa.findings;

import dev.xpfleet.agent.qa.TreeFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A repository's own Checkstyle configuration, found in the base tree (a change cannot swap in a
 * laxer one) and copied out of it before any repository code runs: the file and the other files of
 * its directory (suppressions, headers), which the configuration names through {@code
 * ${config_loc}}. Looked for where Maven and Gradle projects keep it: the Maven Checkstyle plugin's
 * {@code <configLocation>} in {@code pom.xml} when it is a file of the tree, then {@code
 * config/checkstyle/checkstyle.xml} (Gradle's default), {@code checkstyle.xml}, {@code
 * config/checkstyle.xml}, {@code checkstyle/checkstyle.xml}, {@code src/checkstyle/checkstyle.xml}.
 */
public final class RepositoryCheckstyle {

    static final List<String> PLACES = List.of(
            "config/checkstyle/checkstyle.xml",
            "checkstyle.xml",
            "config/checkstyle.xml",
            "checkstyle/checkstyle.xml",
            "src/checkstyle/checkstyle.xml");
    private static final Pattern CONFIG_LOCATION =
            Pattern.compile("<configLocation>\\s*([^<\\s]+)\\s*</configLocation>");
    private static final long MAX_BYTES = 512 * 1024;
    private static final int MAX_FILES = 20;

    private RepositoryCheckstyle() {}

    /**
     * Copies the base tree's configuration into {@code into} (created; readable by the sandbox).
     *
     * @return the copied configuration file, or null when the repository has none
     */
    public static Path copy(Path base, Path into) throws IOException {
        Path config = find(base);
        if (config == null) {
            return null;
        }
        Files.createDirectories(into);
        copyOne(config, into);
        Path dir = config.getParent();
        if (!dir.equals(base.toRealPath()) && !dir.equals(base)) {
            // Its own directory: the suppressions and headers it names by ${config_loc}. Not the
            // repository's root, whose other files are none of Checkstyle's business.
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> !f.equals(config))
                        .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                        .filter(f -> f.getFileName().toString().matches("[\\w.-]+\\.(xml|properties|txt|header)"))
                        .sorted()
                        .limit(MAX_FILES)
                        .toList()) {
                    if (Files.size(file) <= MAX_BYTES) {
                        copyOne(file, into);
                    }
                }
            }
        }
        return into.resolve(config.getFileName().toString());
    }

    private static void copyOne(Path file, Path into) throws IOException {
        Path copied = into.resolve(file.getFileName().toString());
        Files.copy(file, copied);
        copied.toFile().setReadable(true, false);
    }

    /** The configuration file in the base tree, or null. */
    static Path find(Path base) throws IOException {
        Path pom = base.resolve("pom.xml");
        if (Files.isRegularFile(pom, LinkOption.NOFOLLOW_LINKS) && Files.size(pom) <= MAX_BYTES) {
            // Any encoding (a Latin-1 pom is common), comments out: a commented-out location is none.
            String text = new String(Files.readAllBytes(pom), java.nio.charset.StandardCharsets.ISO_8859_1)
                    .replaceAll("(?s)<!--.*?-->", "");
            Matcher m = CONFIG_LOCATION.matcher(text);
            if (m.find()) {
                Path config = inside(
                        base, m.group(1).replace("${project.basedir}/", "").replace("${basedir}/", ""));
                if (config != null) {
                    return config;
                }
            }
        }
        for (String place : PLACES) {
            Path config = inside(base, place);
            if (config != null) {
                return config;
            }
        }
        return null;
    }

    /** A regular file of the tree at {@code path}, never reached through a link, or null. */
    private static Path inside(Path base, String path) throws IOException {
        if (path.contains("${") || path.contains(":")) {
            return null; // a URL, a classpath resource (google_checks.xml) or a property: not a file here
        }
        return TreeFiles.regular(base, path, MAX_BYTES);
    }
}
