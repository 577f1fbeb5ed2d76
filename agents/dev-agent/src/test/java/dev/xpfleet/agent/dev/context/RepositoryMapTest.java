package dev.xpfleet.agent.dev.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryMapTest {

    @TempDir
    Path root;

    @Test
    void filesTheIssueIsAboutComeFirstWithTheirJavaDeclarations() throws Exception {
        write("src/main/java/shop/Cart.java", """
                package shop;
                public class Cart {
                    public long total(java.util.List<Long> prices) { return 0; }
                    private void hidden() {}
                    public record Line(String sku, int quantity) {}
                }
                """);
        write("src/main/java/shop/Invoice.java", "package shop; public class Invoice { public void print() {} }");
        write("README.md", "shop");
        write("node_modules/x/index.js", "junk");

        String map = new RepositoryMap(files -> Map.of()).render(root, "The cart total is wrong for discounts", 10_000);

        assertThat(map.lines().findFirst()).hasValue("src/main/java/shop/Cart.java");
        assertThat(map)
                .contains("    class Cart\n      total(java.util.List<Long>)\n      record Line")
                .doesNotContain("hidden")
                .doesNotContain("node_modules");
    }

    @Test
    void pythonDeclarationsComeFromTheGivenParserAndCountTowardsTheRank() throws Exception {
        write("billing/tax.py", "x = 1\n");
        write("billing/rounding.py", "x = 1\n");

        String map = new RepositoryMap(files -> Map.of("billing/rounding.py", List.of("def round_vat(amount)")))
                .render(root, "VAT is rounded the wrong way", 10_000);

        assertThat(map).startsWith("billing/rounding.py\n    def round_vat(amount)\n");
    }

    @Test
    void theBudgetCutsTheMapAndSaysHowManyFilesAreLeft() throws Exception {
        for (int i = 0; i < 50; i++) {
            write("pkg/module_" + i + ".txt", "x");
        }

        String map = new RepositoryMap(files -> Map.of()).render(root, "pkg/module_7.txt is wrong", 200);

        assertThat(map.length()).isLessThan(260);
        assertThat(map).startsWith("pkg/module_7.txt\n").containsPattern("\\.\\.\\. \\d+ more files");
    }

    @Test
    void issueWordsAreSplitAtCaseChangesAndFillerIsDropped() {
        assertThat(RepositoryMap.terms("Fix the CartTotal for big_orders please"))
                .contains("fix", "cart", "total", "carttotal", "big", "orders")
                .doesNotContain("the", "for", "please");
    }

    private void write(String path, String content) throws Exception {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }
}
