package dev.xpfleet.common.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChangeSetTest {

    static final String DIFF = """
            diff --git a/src/main/java/demo/Calc.java b/src/main/java/demo/Calc.java
            index 1111111..2222222 100644
            --- a/src/main/java/demo/Calc.java
            +++ b/src/main/java/demo/Calc.java
            @@ -1,3 +1,5 @@
             class Calc {
            -    int add(int a, int b) { return a - b; }
            +    int add(int a, int b) { return a + b; }
            +
            +    int twice(int a) { return 2 * a; }
             }
            diff --git a/src/test/java/demo/CalcTest.java b/src/test/java/demo/CalcTest.java
            new file mode 100644
            index 0000000..3333333
            --- /dev/null
            +++ b/src/test/java/demo/CalcTest.java
            @@ -0,0 +1,2 @@
            +class CalcTest {
            +}
            diff --git a/old.txt b/old.txt
            deleted file mode 100644
            index 4444444..0000000
            --- a/old.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -gone
            """;

    @Test
    void regionsPairWhatWasRemovedWithWhatReplacedItNumberedOnEachSide() {
        var regions = ChangeSet.parse(DIFF).regions();

        assertThat(regions).hasSize(3);
        var calc = regions.get(0);
        assertThat(calc.oldPath()).isEqualTo("src/main/java/demo/Calc.java");
        assertThat(calc.removedFrom()).isEqualTo(2);
        assertThat(calc.removed()).containsExactly("    int add(int a, int b) { return a - b; }");
        assertThat(calc.addedFrom()).isEqualTo(2);
        assertThat(calc.added()).hasSize(3).endsWith("    int twice(int a) { return 2 * a; }");
        assertThat(regions.get(1).oldPath()).isNull();
        assertThat(regions.get(1).added()).containsExactly("class CalcTest {", "}");
        assertThat(regions.get(2).path()).as("deleted").isNull();
        assertThat(regions.get(2).removed()).containsExactly("gone");
    }

    @Test
    void aRenamedFileKnowsItsOldPath() {
        ChangeSet change = ChangeSet.parse("""
                diff --git a/src/test/java/demo/FooTest.java b/src/test/java/demo/BarTest.java
                similarity index 90%
                rename from src/test/java/demo/FooTest.java
                rename to src/test/java/demo/BarTest.java
                index 1111111..2222222 100644
                --- a/src/test/java/demo/FooTest.java
                +++ b/src/test/java/demo/BarTest.java
                @@ -1,3 +1,3 @@
                -class FooTest {
                +class BarTest {
                     @Test void adds() {}
                 }
                """);

        assertThat(change.oldPath("src/test/java/demo/BarTest.java")).isEqualTo("src/test/java/demo/FooTest.java");
        assertThat(change.regions().get(0).removed()).containsExactly("class FooTest {");
    }

    @Test
    void removedAndAddedLinesThatLookLikeFileHeadersAreKept() {
        ChangeSet change = ChangeSet.parse("""
                diff --git a/db/schema.sql b/db/schema.sql
                index 1111111..2222222 100644
                --- a/db/schema.sql
                +++ b/db/schema.sql
                @@ -1,3 +1,3 @@
                --- the users
                -create table users (id int);
                +++ the users, renamed
                +create table people (id int);
                 create index on people (id);
                """);

        assertThat(change.regions()).singleElement().satisfies(r -> {
            assertThat(r.removed()).containsExactly("-- the users", "create table users (id int);");
            assertThat(r.added()).containsExactly("++ the users, renamed", "create table people (id int);");
        });
    }

    @Test
    void addedLinesAreNumberedInTheChangedFileAndTestsAreTold() {
        ChangeSet change = ChangeSet.parse(DIFF);

        assertThat(change.files()).hasSize(3);
        ChangeSet.FileChange calc = change.file("src/main/java/demo/Calc.java");
        assertThat(calc.test()).isFalse();
        assertThat(calc.addedLines()).containsExactly(2, 3, 4);
        assertThat(calc.addedText())
                .containsExactly(
                        org.assertj.core.api.Assertions.entry(2, "    int add(int a, int b) { return a + b; }"),
                        org.assertj.core.api.Assertions.entry(3, ""),
                        org.assertj.core.api.Assertions.entry(4, "    int twice(int a) { return 2 * a; }"));
        assertThat(change.file("src/test/java/demo/CalcTest.java").addedLines()).containsExactly(1, 2);
        assertThat(change.file("old.txt").deleted()).isTrue();
        assertThat(change.tests())
                .extracting(ChangeSet.FileChange::path)
                .containsExactly("src/test/java/demo/CalcTest.java");
        assertThat(change.production()).hasSize(2);
    }

    @Test
    void theTestsOnlyDiffHoldsExactlyTheTestFiles() {
        String tests = ChangeSet.parse(DIFF).testsOnlyDiff();

        assertThat(tests)
                .startsWith("diff --git a/src/test/java/demo/CalcTest.java")
                .contains("+class CalcTest {")
                .doesNotContain("Calc.java b/src/main")
                .doesNotContain("old.txt");
        assertThat(ChangeSet.parse(tests).files()).hasSize(1);
    }

    @Test
    void garbageIsRefusedWithAReason() {
        assertThatThrownBy(() -> ChangeSet.parse("this is not a diff"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("touches no file");
    }
}
