package dev.xpfleet.agent.refactor.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per function of one Python file, read from its text (no Python runs, and no parser for it in
 * the JVM): a function is a {@code def} line and the lines indented deeper below it; its
 * cyclomatic complexity is 1 + each {@code if}, {@code elif}, {@code for}, {@code while},
 * {@code except}, {@code case}, {@code and} and {@code or} outside strings and comments (a
 * conditional expression's {@code if} counts as one branch, as in Radon). A nested function's
 * branches count for it and for the function around it.
 */
final class PythonMetrics {

    private static final Pattern DEF = Pattern.compile("^(\\s*)(?:async\\s+)?def\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");
    private static final Pattern BRANCH = Pattern.compile("\\b(if|elif|for|while|except|case|and|or)\\b");
    private static final Pattern STRINGS = Pattern.compile("'(?:[^'\\\\]|\\\\.)*'|\"(?:[^\"\\\\]|\\\\.)*\"");

    private PythonMetrics() {}

    static List<JavaMetrics.Method> of(String source) {
        String[] lines = withoutTripleQuoted(source).split("\n", -1);
        List<JavaMetrics.Method> functions = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            Matcher def = DEF.matcher(lines[i]);
            if (!def.find()) {
                continue;
            }
            int indent = width(def.group(1));
            String signature = signature(lines, i);
            int end = i;
            int complexity = 1;
            for (int j = i + 1; j < lines.length; j++) {
                String line = lines[j];
                if (line.isBlank() || line.strip().startsWith("#")) {
                    continue;
                }
                int depth = width(
                        line.substring(0, line.length() - line.stripLeading().length()));
                if (depth <= indent && j > i + signature.lines().count() - 1) {
                    break;
                }
                end = j;
                complexity += branches(line);
            }
            functions.add(new JavaMetrics.Method(def.group(2), i + 1, complexity, end - i + 1, parameters(signature)));
        }
        return functions;
    }

    /** Triple-quoted strings (docstrings) blanked out, their line breaks kept. */
    static String withoutTripleQuoted(String source) {
        StringBuilder out = new StringBuilder(source.length());
        String open = null;
        for (int i = 0; i < source.length(); i++) {
            String here = source.startsWith("\"\"\"", i) ? "\"\"\"" : source.startsWith("\'\'\'", i) ? "\'\'\'" : null;
            if (here != null && (open == null || open.equals(here))) {
                open = open == null ? here : null;
                out.append("   ");
                i += 2;
                continue;
            }
            char c = source.charAt(i);
            out.append(open != null && c != '\n' ? ' ' : c);
        }
        return out.toString();
    }

    /** Leading whitespace's width, a tab to the next multiple of eight as Python counts it. */
    private static int width(String whitespace) {
        int width = 0;
        for (char c : whitespace.toCharArray()) {
            width = c == '\t' ? (width / 8 + 1) * 8 : width + 1;
        }
        return width;
    }

    private static int branches(String line) {
        String code = STRINGS.matcher(line).replaceAll("''");
        int hash = code.indexOf('#');
        if (hash >= 0) {
            code = code.substring(0, hash);
        }
        // "else" of a conditional expression and "for" of a comprehension are each one branch.
        Matcher m = BRANCH.matcher(code);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The def line and its continuation lines, up to the closing parenthesis. */
    private static String signature(String[] lines, int from) {
        StringBuilder text = new StringBuilder();
        int depth = 0;
        for (int i = from; i < lines.length && i < from + 30; i++) {
            text.append(lines[i]).append('\n');
            for (char c : lines[i].toCharArray()) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            }
            if (depth <= 0) {
                break;
            }
        }
        return text.toString();
    }

    private static int parameters(String signature) {
        int open = signature.indexOf('(');
        int close = signature.lastIndexOf(')');
        if (open < 0 || close <= open) {
            return 0;
        }
        String inside = signature
                .substring(open + 1, close)
                .replaceAll("\\[[^\\]]*\\]", "")
                .strip();
        if (inside.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (String part : inside.split(",")) {
            String[] pieces = part.strip().split("[:=]");
            String name = pieces.length == 0 ? "" : pieces[0].strip();
            if (!name.isEmpty()
                    && !name.equals("self")
                    && !name.equals("cls")
                    && !name.equals("*")
                    && !name.equals("/")) {
                n++;
            }
        }
        return n;
    }
}
