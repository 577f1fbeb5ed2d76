package dev.xpfleet.agent.dev.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceToolsTest {

    @TempDir
    Path root;

    private WorkspaceTools tools() {
        return new WorkspaceTools(root, new PathRules(root, List.of()));
    }

    @Test
    void anEditMatchesExactlyOnceOrIsRefusedWithTheReason() throws Exception {
        Files.writeString(root.resolve("a.py"), "x = 1\ny = 1\n");

        assertThat(tools().edit(new Action.Edit("a.py", "x = 1\n", "x = 2\n"))).contains("edited a.py");
        assertThat(Files.readString(root.resolve("a.py"))).isEqualTo("x = 2\ny = 1\n");
        assertThatThrownBy(() -> tools().edit(new Action.Edit("a.py", "z = 1\n", "")))
                .hasMessageContaining("not in a.py exactly as written");
        Files.writeString(root.resolve("b.py"), "v = 0\nv = 0\n");
        assertThatThrownBy(() -> tools().edit(new Action.Edit("b.py", "v = 0\n", "v = 1\n")))
                .hasMessageContaining("more than once");
        assertThatThrownBy(() -> tools().edit(new Action.Edit("a.py", "", "new\n")))
                .hasMessageContaining("exists already");
    }

    @Test
    void windowsLineEndsAndAMissingFinalNewlineStillMatch() throws Exception {
        Files.writeString(root.resolve("w.py"), "a = 1\r\nb = 2\r\n");
        Files.writeString(root.resolve("n.py"), "a = 1\nb = 2");

        tools().edit(new Action.Edit("w.py", "b = 2\n", "b = 3\n"));
        tools().edit(new Action.Edit("n.py", "b = 2\n", "b = 3\n"));

        assertThat(Files.readString(root.resolve("w.py"))).isEqualTo("a = 1\r\nb = 3\r\n");
        assertThat(Files.readString(root.resolve("n.py"))).isEqualTo("a = 1\nb = 3\n");
    }

    @Test
    void readsAreNumberedAndBoundedAndSearchSkipsGitMetadata() throws Exception {
        Files.writeString(root.resolve("a.py"), "one\ntwo\nthree\n");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git/config"), "one token=secret\n");

        assertThat(tools().read("a.py", 2, 3)).isEqualTo("2\ttwo\n3\tthree\n");
        assertThat(tools().search("one")).contains("a.py:1: one").doesNotContain(".git");
        assertThat(tools().list("")).contains("a.py").doesNotContain(".git");
    }
}
