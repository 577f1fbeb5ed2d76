package dev.xpfleet.agent.qa.coverage;

import dev.xpfleet.common.testreport.SafeXml;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Which source lines a test run executed, read from a JaCoCo XML report, a coverage.py (Cobertura)
 * XML report or an lcov file. Paths are as the report names them (JaCoCo: package path and file
 * name; coverage.py and lcov: relative to the source root, or absolute); {@link #forFile} matches
 * a repository path against them by suffix.
 */
public final class LineCoverage {

    private static final long MAX_BYTES = 50L * 1024 * 1024;

    /** report path -> line -> executed */
    private final Map<String, Map<Integer, Boolean>> files;

    private LineCoverage(Map<String, Map<Integer, Boolean>> files) {
        this.files = files;
    }

    /** Reads whichever of the three formats the file is. */
    public static LineCoverage read(Path report) throws IOException {
        if (report.getFileName().toString().endsWith(".info")) {
            return lcov(report);
        }
        Document doc = SafeXml.parse(report, MAX_BYTES, true);
        String root = doc.getDocumentElement().getTagName();
        return switch (root) {
            case "report" -> jacoco(doc);
            case "coverage" -> cobertura(doc);
            default ->
                throw new IOException(report.getFileName() + " is not a JaCoCo or coverage.py report (<" + root + ">)");
        };
    }

    private static LineCoverage jacoco(Document doc) {
        Map<String, Map<Integer, Boolean>> files = new HashMap<>();
        NodeList packages = doc.getElementsByTagName("package");
        for (int p = 0; p < packages.getLength(); p++) {
            Element pkg = (Element) packages.item(p);
            NodeList sources = pkg.getElementsByTagName("sourcefile");
            for (int s = 0; s < sources.getLength(); s++) {
                Element source = (Element) sources.item(s);
                String path = (pkg.getAttribute("name").isEmpty() ? "" : pkg.getAttribute("name") + "/")
                        + source.getAttribute("name");
                Map<Integer, Boolean> lines = files.computeIfAbsent(path, k -> new TreeMap<>());
                NodeList nodes = source.getElementsByTagName("line");
                for (int l = 0; l < nodes.getLength(); l++) {
                    Element line = (Element) nodes.item(l);
                    int covered = Integer.parseInt(line.getAttribute("ci"));
                    int missed = Integer.parseInt(line.getAttribute("mi"));
                    if (covered + missed > 0) {
                        lines.put(Integer.parseInt(line.getAttribute("nr")), covered > 0);
                    }
                }
            }
        }
        return new LineCoverage(files);
    }

    private static LineCoverage cobertura(Document doc) {
        Map<String, Map<Integer, Boolean>> files = new HashMap<>();
        NodeList classes = doc.getElementsByTagName("class");
        for (int c = 0; c < classes.getLength(); c++) {
            Element cls = (Element) classes.item(c);
            Map<Integer, Boolean> lines = files.computeIfAbsent(cls.getAttribute("filename"), k -> new TreeMap<>());
            NodeList nodes = cls.getElementsByTagName("line");
            for (int l = 0; l < nodes.getLength(); l++) {
                Element line = (Element) nodes.item(l);
                lines.merge(
                        Integer.parseInt(line.getAttribute("number")),
                        Long.parseLong(line.getAttribute("hits")) > 0,
                        Boolean::logicalOr);
            }
        }
        return new LineCoverage(files);
    }

    private static LineCoverage lcov(Path report) throws IOException {
        if (Files.size(report) > MAX_BYTES) {
            throw new IOException(report.getFileName() + " is larger than 50 MB");
        }
        Map<String, Map<Integer, Boolean>> files = new HashMap<>();
        Map<Integer, Boolean> current = null;
        try (BufferedReader in = Files.newBufferedReader(report, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("SF:")) {
                    current = files.computeIfAbsent(line.substring(3).strip(), k -> new TreeMap<>());
                } else if (line.startsWith("DA:") && current != null) {
                    String[] parts = line.substring(3).split(",");
                    if (parts.length >= 2) {
                        current.merge(
                                Integer.parseInt(parts[0].strip()),
                                Long.parseLong(parts[1].strip()) > 0,
                                Boolean::logicalOr);
                    }
                } else if (line.equals("end_of_record")) {
                    current = null;
                }
            }
        } catch (NumberFormatException e) {
            throw new IOException(report.getFileName() + " is not a readable lcov file: " + e.getMessage(), e);
        }
        return new LineCoverage(files);
    }

    /**
     * The executable lines of a repository file, or an empty map when the report does not know the
     * file. The longest report path that is a suffix of the repository path (or whose tail is the
     * repository path, for absolute paths) wins.
     */
    public Map<Integer, Boolean> forFile(String repositoryPath) {
        String best = null;
        for (String reported : files.keySet()) {
            String r = reported.replace('\\', '/');
            boolean matches =
                    repositoryPath.equals(r) || repositoryPath.endsWith("/" + r) || r.endsWith("/" + repositoryPath);
            if (matches && (best == null || r.length() > best.length())) {
                best = reported;
            }
        }
        return best == null ? Map.of() : files.get(best);
    }

    /** Executed share of all executable lines in the report, 0 to 1, or -1 when it has none. */
    public double total() {
        long all = 0;
        long covered = 0;
        for (Map<Integer, Boolean> lines : files.values()) {
            all += lines.size();
            covered += lines.values().stream().filter(b -> b).count();
        }
        return all == 0 ? -1 : (double) covered / all;
    }
}
