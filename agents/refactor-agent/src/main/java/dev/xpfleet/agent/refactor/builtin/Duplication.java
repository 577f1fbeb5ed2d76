package dev.xpfleet.agent.refactor.builtin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copied code: the same run of at least {@value #MIN_LINES} lines (compared with whitespace
 * squeezed, blank lines, comments' own lines, imports and lone braces left out) in two places.
 * Each place after the first is reported once per block, at the line the copy starts.
 */
final class Duplication {

    static final int MIN_LINES = 10;

    /** A copy: where it is, and where it was first seen. */
    record Copy(String file, int line, int lines, String originalFile, int originalLine) {}

    private record Line(int number, String text) {}

    private record Place(String file, int index) {}

    private Duplication() {}

    static List<Copy> find(Map<String, String> sources) {
        Map<String, List<Line>> significant = new LinkedHashMap<>();
        sources.forEach((file, text) -> significant.put(file, significant(text)));
        // Windows by a 64-bit hash of their text (not the text: a large repository has millions of
        // windows); a hit is compared line by line before it counts.
        Map<Long, Place> firstSeen = new HashMap<>();
        List<Copy> copies = new ArrayList<>();
        for (Map.Entry<String, List<Line>> entry : significant.entrySet()) {
            List<Line> lines = entry.getValue();
            int skipUntil = -1;
            for (int i = 0; i + MIN_LINES <= lines.size(); i++) {
                long window = window(lines, i);
                Place earlier = firstSeen.get(window);
                if (earlier == null) {
                    firstSeen.put(window, new Place(entry.getKey(), i));
                    continue;
                }
                if (!same(significant.get(earlier.file()), earlier.index(), lines, i)) {
                    continue; // two different windows with one hash
                }
                boolean overlapsItself = earlier.file().equals(entry.getKey()) && i - earlier.index() < MIN_LINES;
                if (i < skipUntil || overlapsItself) {
                    continue;
                }
                List<Line> original = significant.get(earlier.file());
                copies.add(new Copy(
                        entry.getKey(),
                        lines.get(i).number(),
                        lines.get(i + MIN_LINES - 1).number() - lines.get(i).number() + 1,
                        earlier.file(),
                        original.get(earlier.index()).number()));
                skipUntil = i + MIN_LINES;
            }
        }
        return copies;
    }

    /** FNV-1a over the window's lines. */
    private static long window(List<Line> lines, int from) {
        long hash = 0xcbf29ce484222325L;
        for (int i = from; i < from + MIN_LINES; i++) {
            String text = lines.get(i).text();
            for (int c = 0; c < text.length(); c++) {
                hash = (hash ^ text.charAt(c)) * 0x100000001b3L;
            }
            hash = (hash ^ '\n') * 0x100000001b3L;
        }
        return hash;
    }

    private static boolean same(List<Line> a, int fromA, List<Line> b, int fromB) {
        for (int i = 0; i < MIN_LINES; i++) {
            if (!a.get(fromA + i).text().equals(b.get(fromB + i).text())) {
                return false;
            }
        }
        return true;
    }

    private static List<Line> significant(String text) {
        List<Line> kept = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String squeezed = lines[i].strip().replaceAll("\\s+", " ");
            if (squeezed.isEmpty()
                    || squeezed.startsWith("//")
                    || squeezed.startsWith("*")
                    || squeezed.startsWith("/*")
                    || squeezed.startsWith("#")
                    || squeezed.startsWith("import ")
                    || squeezed.startsWith("package ")
                    || squeezed.matches("[{}();,\\])]+")) {
                continue;
            }
            kept.add(new Line(i + 1, squeezed));
        }
        return kept;
    }
}
