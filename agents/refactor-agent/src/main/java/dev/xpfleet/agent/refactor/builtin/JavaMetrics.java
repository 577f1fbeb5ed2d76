package dev.xpfleet.agent.refactor.builtin;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.ConditionalExpr;
import com.github.javaparser.ast.stmt.CatchClause;
import com.github.javaparser.ast.stmt.DoStmt;
import com.github.javaparser.ast.stmt.ForEachStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.IfStmt;
import com.github.javaparser.ast.stmt.SwitchEntry;
import com.github.javaparser.ast.stmt.WhileStmt;
import java.util.ArrayList;
import java.util.List;

/**
 * Per method or constructor of one Java file: cyclomatic complexity (1 + each branch: if, loop,
 * case, catch, ternary, {@code &&} and {@code ||}, as Checkstyle and SonarQube count it), length in
 * lines and parameters. Parsing only: no code of the repository runs.
 */
final class JavaMetrics {

    /** @param line where the declaration starts */
    record Method(String name, int line, int complexity, int lines, int parameters) {}

    private JavaMetrics() {}

    /** @throws IllegalArgumentException when the file does not parse */
    static List<Method> of(String source) {
        ParserConfiguration config =
                new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.BLEEDING_EDGE);
        var parsed = new JavaParser(config).parse(source);
        CompilationUnit unit = parsed.getResult()
                .filter(u -> parsed.isSuccessful())
                .orElseThrow(() -> new IllegalArgumentException("does not parse: "
                        + parsed.getProblems().stream()
                                .findFirst()
                                .map(p -> p.getVerboseMessage())
                                .orElse("?")));
        List<Method> methods = new ArrayList<>();
        for (CallableDeclaration<?> callable : unit.findAll(CallableDeclaration.class)) {
            int begin = callable.getBegin().map(p -> p.line).orElse(0);
            int end = callable.getEnd().map(p -> p.line).orElse(begin);
            methods.add(new Method(
                    callable.getNameAsString(),
                    begin,
                    complexity(callable),
                    end - begin + 1,
                    callable.getParameters().size()));
        }
        return methods;
    }

    static int complexity(CallableDeclaration<?> callable) {
        int branches = callable.findAll(IfStmt.class).size()
                + callable.findAll(ForStmt.class).size()
                + callable.findAll(ForEachStmt.class).size()
                + callable.findAll(WhileStmt.class).size()
                + callable.findAll(DoStmt.class).size()
                + callable.findAll(CatchClause.class).size()
                + callable.findAll(ConditionalExpr.class).size()
                + (int) callable.findAll(SwitchEntry.class).stream()
                        .filter(e -> !e.getLabels().isEmpty())
                        .count()
                + (int) callable.findAll(BinaryExpr.class).stream()
                        .filter(b ->
                                b.getOperator() == BinaryExpr.Operator.AND || b.getOperator() == BinaryExpr.Operator.OR)
                        .count();
        return 1 + branches;
    }
}
