package dev.xpfleet.agent.qa.findings;

import dev.xpfleet.common.change.ChangeSet;
import dev.xpfleet.common.testreport.SafeXml;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Reads the analysers' reports and keeps the findings on lines the change added. */
final class AnalyserReports {

    private static final long MAX_BYTES = 50L * 1024 * 1024;
    /** "path:line" or "path:line:col" at a line's start, as most linters print. */
    private static final Pattern LOCATION = Pattern.compile("^\\s*(?:\\./)?([^\\s:]+):(\\d+)(?::\\d+)?[:\\s]+(.*)$");

    private AnalyserReports() {}

    /** SpotBugs XML: security bugs (FindSecBugs and SpotBugs' own) whose primary line was added. */
    static List<Finding> spotbugs(Path report, ChangeSet change) throws IOException {
        Document doc = SafeXml.parse(report, MAX_BYTES, false);
        List<Finding> findings = new ArrayList<>();
        NodeList bugs = doc.getElementsByTagName("BugInstance");
        for (int i = 0; i < bugs.getLength(); i++) {
            Element bug = (Element) bugs.item(i);
            if (!"SECURITY".equals(bug.getAttribute("category"))) {
                continue;
            }
            Element line = primarySourceLine(bug);
            if (line == null || line.getAttribute("start").isEmpty()) {
                continue;
            }
            int number = Integer.parseInt(line.getAttribute("start"));
            ChangeSet.FileChange file = bySuffix(change, line.getAttribute("sourcepath"));
            if (file != null && file.addedLines().contains(number)) {
                findings.add(new Finding("spotbugs", bug.getAttribute("type"), file.path(), number, message(bug)));
            }
        }
        return findings;
    }

    /** Checkstyle XML: every error on an added line. */
    static List<Finding> checkstyle(Path report, Path workspace, ChangeSet change) throws IOException {
        Document doc = SafeXml.parse(report, MAX_BYTES, false);
        List<Finding> findings = new ArrayList<>();
        NodeList files = doc.getElementsByTagName("file");
        for (int f = 0; f < files.getLength(); f++) {
            Element file = (Element) files.item(f);
            String name = file.getAttribute("name");
            Path path = Path.of(name);
            String relative = path.isAbsolute() && path.startsWith(workspace)
                    ? workspace.relativize(path).toString()
                    : name;
            ChangeSet.FileChange changed = change.file(relative);
            if (changed == null) {
                continue;
            }
            NodeList errors = file.getElementsByTagName("error");
            for (int e = 0; e < errors.getLength(); e++) {
                Element error = (Element) errors.item(e);
                int line = Integer.parseInt(error.getAttribute("line"));
                // Errors only: a rule the repository's own configuration rates a warning does not
                // fail its build, nor QA (the built-in rules are all errors).
                String severity = error.getAttribute("severity");
                if (changed.addedLines().contains(line) && (severity.isEmpty() || severity.equals("error"))) {
                    String source = error.getAttribute("source");
                    String rule = source.substring(source.lastIndexOf('.') + 1).replace("Check", "");
                    findings.add(new Finding("checkstyle", rule, relative, line, error.getAttribute("message")));
                }
            }
        }
        return findings;
    }

    /** A linter's printed output: every "path:line: message" on an added line. */
    static List<Finding> printed(String output, ChangeSet change) {
        List<Finding> findings = new ArrayList<>();
        for (String text : output.split("\n")) {
            Matcher m = LOCATION.matcher(text);
            if (!m.matches()) {
                continue;
            }
            ChangeSet.FileChange file = change.file(m.group(1));
            if (file == null || m.group(2).length() > 9) {
                continue;
            }
            int line = Integer.parseInt(m.group(2));
            if (file.addedLines().contains(line)) {
                String message = m.group(3).strip();
                findings.add(new Finding(
                        "lint",
                        "linter",
                        file.path(),
                        line,
                        message.length() > 300 ? message.substring(0, 300) : message));
            }
        }
        return findings;
    }

    private static Element primarySourceLine(Element bug) {
        for (Node n = bug.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("SourceLine")) {
                return e;
            }
        }
        for (Node n = bug.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals("Method")) {
                NodeList lines = e.getElementsByTagName("SourceLine");
                if (lines.getLength() > 0) {
                    return (Element) lines.item(0);
                }
            }
        }
        return null;
    }

    private static String message(Element bug) {
        NodeList shorts = bug.getElementsByTagName("ShortMessage");
        String text = shorts.getLength() > 0 ? shorts.item(0).getTextContent() : bug.getAttribute("type");
        return text.strip();
    }

    /** The changed file a report's package-relative path ("demo/Dao.java") names. */
    private static ChangeSet.FileChange bySuffix(ChangeSet change, String sourcePath) {
        if (sourcePath.isEmpty()) {
            return null;
        }
        return change.files().stream()
                .filter(f -> f.path().equals(sourcePath) || f.path().endsWith("/" + sourcePath))
                .findFirst()
                .orElse(null);
    }
}
