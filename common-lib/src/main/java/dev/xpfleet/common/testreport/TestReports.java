package dev.xpfleet.common.testreport;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads JUnit-style XML reports (Surefire, Gradle, pytest {@code --junitxml}, node's junit
 * reporter) into one result per test. The files were written by repository code, so the parser
 * refuses DOCTYPEs and external entities, and each file is size-capped.
 */
public final class TestReports {

    private static final long MAX_REPORT_BYTES = 20L * 1024 * 1024;

    public enum Outcome {
        PASSED,
        FAILED,
        ERROR,
        SKIPPED
    }

    /**
     * @param id {@code classname#name}
     * @param message the failure's first line, for a developer to act on
     */
    public record TestCase(String id, Outcome outcome, String message) {}

    /** Every test case in the reports matching the globs under the workspace. */
    public List<TestCase> read(Path workspace, List<String> globs) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String glob : globs) {
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            // "**/x" also means "x" at the top, as in Ant and Gradle (Java's glob wants a directory).
            PathMatcher top = glob.startsWith("**/")
                    ? FileSystems.getDefault().getPathMatcher("glob:" + glob.substring(3))
                    : matcher;
            try (var walk = Files.walk(workspace)) {
                walk.filter(Files::isRegularFile)
                        .filter(p -> !Files.isSymbolicLink(p))
                        .filter(p -> matcher.matches(workspace.relativize(p)) || top.matches(workspace.relativize(p)))
                        .sorted()
                        .forEach(files::add);
            }
        }
        List<TestCase> cases = new ArrayList<>();
        for (Path file : files) {
            cases.addAll(parse(file));
        }
        return cases;
    }

    List<TestCase> parse(Path file) throws IOException {
        Document doc = SafeXml.parse(file, MAX_REPORT_BYTES, false);
        List<TestCase> cases = new ArrayList<>();
        NodeList nodes = doc.getElementsByTagName("testcase");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element tc = (Element) nodes.item(i);
            String id = tc.getAttribute("classname") + "#" + tc.getAttribute("name");
            Outcome outcome = Outcome.PASSED;
            String message = "";
            for (String kind : List.of("failure", "error", "skipped")) {
                NodeList found = tc.getElementsByTagName(kind);
                if (found.getLength() > 0) {
                    Element e = (Element) found.item(0);
                    outcome = switch (kind) {
                        case "failure" -> Outcome.FAILED;
                        case "error" -> Outcome.ERROR;
                        default -> Outcome.SKIPPED;
                    };
                    message = firstLine(
                            e.getAttribute("message").isBlank() ? e.getTextContent() : e.getAttribute("message"));
                    break;
                }
            }
            cases.add(new TestCase(id, outcome, message));
        }
        return cases;
    }

    private static String firstLine(String text) {
        String line = text == null ? "" : text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
