package dev.xpfleet.common.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {

    @TempDir
    Path tmp;

    Path origin;
    RevCommit first;
    RevCommit second;

    @BeforeEach
    void createOrigin() throws Exception {
        origin = Files.createDirectories(tmp.resolve("origin"));
        try (Git git = Git.init()
                .setDirectory(origin.toFile())
                .setInitialBranch("main")
                .call()) {
            Files.writeString(origin.resolve("README.md"), "hello\n");
            Files.writeString(Files.createDirectories(origin.resolve("src")).resolve("App.java"), "class App {}\n");
            git.add().addFilepattern(".").call();
            first = git.commit().setMessage("first").setSign(false).call();
            Files.writeString(origin.resolve("README.md"), "hello again\n");
            git.add().addFilepattern(".").call();
            second = git.commit().setMessage("second").setSign(false).call();
        }
    }

    @Test
    void clonesAtTheRequestedCommitInItsOwnDirectory() throws Exception {
        Workspaces workspaces = new Workspaces(tmp.resolve("ws"));
        try (Workspace a = workspaces.cloneAt(origin.toUri().toString(), first.name(), null);
                Workspace b = workspaces.cloneAt(origin.toUri().toString(), "main", null)) {
            assertThat(a.dir()).isNotEqualTo(b.dir());
            assertThat(a.dir().resolve("README.md")).hasContent("hello");
            assertThat(b.dir().resolve("README.md")).hasContent("hello again");
            assertThat(a.baseCommit()).isEqualTo(first.name());
            assertThat(a.diff().isEmpty()).isTrue();
        }
    }

    @Test
    void anUnknownCommitOrRepositoryIsAClearErrorAndLeavesNoDirectory() throws Exception {
        Workspaces workspaces = new Workspaces(tmp.resolve("ws"));

        assertThatThrownBy(() -> workspaces.cloneAt(origin.toUri().toString(), "0".repeat(40), null))
                .isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("is not in");
        assertThatThrownBy(() -> workspaces.cloneAt(tmp.resolve("nope").toUri().toString(), "main", null))
                .isInstanceOf(WorkspaceException.class)
                .hasMessageContaining("cannot clone");
        try (var left = Files.list(tmp.resolve("ws"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void theSameChangeMadeTwoWaysHasTheSamePatchHash() throws Exception {
        Workspaces workspaces = new Workspaces(tmp.resolve("ws"));
        try (Workspace edited = workspaces.cloneAt(origin.toUri().toString(), second.name(), null);
                Workspace patched = workspaces.cloneAt(origin.toUri().toString(), second.name(), null)) {
            Files.writeString(edited.dir().resolve("src/App.java"), "class App { int x; }\n");
            Files.writeString(edited.dir().resolve("src/AppTest.java"), "class AppTest {}\n");
            Files.delete(edited.dir().resolve("README.md"));

            WorkspaceDiff diff = edited.diff();
            patched.applyDiff(diff.text());

            assertThat(diff.files()).containsExactlyInAnyOrder("README.md", "src/App.java", "src/AppTest.java");
            assertThat(diff.patchHash()).hasSize(64).isEqualTo(patched.diff().patchHash());
            assertThat(patched.dir().resolve("src/AppTest.java")).hasContent("class AppTest {}");
            assertThat(patched.dir().resolve("README.md")).doesNotExist();
        }
    }

    @Test
    void refusesDiffsThatReachOutsideTheWorkingTreeOrIntoGit() throws Exception {
        try (Workspace ws =
                new Workspaces(tmp.resolve("ws")).cloneAt(origin.toUri().toString(), "main", null)) {
            String[][] cases = {
                {"../evil.txt", "climbs out"},
                {"a/../../evil.txt", "climbs out"},
                {".git/config", "git metadata"},
                {"src/.git/hooks/x", "git metadata"},
            };
            for (String[] c : cases) {
                String diff = newFile(c[0]);
                assertThatThrownBy(() -> ws.applyDiff(diff))
                        .as(c[0])
                        .isInstanceOf(WorkspaceException.class)
                        .hasMessageContaining(c[1]);
            }
            assertThatThrownBy(() -> ws.applyDiff("this is not a diff"))
                    .isInstanceOf(WorkspaceException.class)
                    .hasMessageContaining("no file");
            assertThat(tmp.resolve("ws").resolve("evil.txt")).doesNotExist();
            assertThat(ws.diff().isEmpty()).isTrue();
        }
    }

    @Test
    void aDiffThatDoesNotMatchTheBaseIsRefused() throws Exception {
        try (Workspace ws =
                new Workspaces(tmp.resolve("ws")).cloneAt(origin.toUri().toString(), "main", null)) {
            String stale = """
                    diff --git a/README.md b/README.md
                    --- a/README.md
                    +++ b/README.md
                    @@ -1 +1 @@
                    -something else entirely
                    +new
                    """;
            assertThatThrownBy(() -> ws.applyDiff(stale))
                    .isInstanceOf(WorkspaceException.class)
                    .hasMessageContaining("does not apply");
            assertThat(ws.dir().resolve("README.md")).hasContent("hello again");
        }
    }

    private static String newFile(String path) {
        return """
                diff --git a/%1$s b/%1$s
                new file mode 100644
                --- /dev/null
                +++ b/%1$s
                @@ -0,0 +1 @@
                +evil
                """.formatted(path);
    }
}
