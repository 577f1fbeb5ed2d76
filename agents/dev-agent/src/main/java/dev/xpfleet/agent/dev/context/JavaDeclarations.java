package dev.xpfleet.agent.dev.context;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Top-level declarations of a Java file, read with JavaParser (never compiled or run): its types
 * and their constructors and methods, as signatures.
 */
final class JavaDeclarations {

    static final long MAX_BYTES = 512 * 1024;
    static final int MAX_PER_FILE = 25;

    private final JavaParser parser =
            new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21));

    /** The declarations, or an empty list when the file does not parse (it is still listed by name). */
    List<String> of(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                return List.of();
            }
            ParseResult<CompilationUnit> parsed = parser.parse(file);
            if (parsed.getResult().isEmpty()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (TypeDeclaration<?> type : parsed.getResult().get().getTypes()) {
                add(type, "", out);
            }
            return out.size() > MAX_PER_FILE ? out.subList(0, MAX_PER_FILE) : out;
        } catch (IOException | RuntimeException | StackOverflowError e) {
            return List.of();
        }
    }

    private static void add(TypeDeclaration<?> type, String indent, List<String> out) {
        String kind = type.isClassOrInterfaceDeclaration()
                ? (type.asClassOrInterfaceDeclaration().isInterface() ? "interface" : "class")
                : type.isEnumDeclaration() ? "enum" : type.isRecordDeclaration() ? "record" : "type";
        out.add(indent + kind + " " + type.getNameAsString());
        for (var member : type.getMembers()) {
            if (member instanceof CallableDeclaration<?> callable && !callable.isPrivate()) {
                out.add(indent + "  " + callable.getNameAsString() + "("
                        + callable.getParameters().stream()
                                .map(p -> p.getType().asString())
                                .collect(Collectors.joining(", "))
                        + ")");
            } else if (member instanceof TypeDeclaration<?> nested) {
                add(nested, indent + "  ", out);
            }
        }
    }
}
