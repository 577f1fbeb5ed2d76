package dev.xpfleet.common.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.xpfleet.common.artifact.ArtifactKeys;
import dev.xpfleet.common.artifact.ArtifactStore;
import dev.xpfleet.common.artifact.S3ArtifactStore;
import dev.xpfleet.common.testing.IsolatedServices;
import io.minio.MinioClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path of a pair-session snapshot: clone, change, diff, pack, store in S3, fetch, restore on
 * "another machine", and the restored tree has the same patch hash.
 */
class WorkspaceRoundTripIT {

    @TempDir
    Path tmp;

    @Test
    void aSnapshotRestoredElsewhereHasTheSamePatchHash() throws Exception {
        Path origin = Files.createDirectories(tmp.resolve("origin"));
        RevCommit base;
        try (Git git = Git.init()
                .setDirectory(origin.toFile())
                .setInitialBranch("main")
                .call()) {
            Files.writeString(origin.resolve("Calc.java"), "class Calc {}\n");
            git.add().addFilepattern(".").call();
            base = git.commit().setMessage("base").setSign(false).call();
        }
        UUID session = UUID.randomUUID();
        String key = ArtifactKeys.pairSnapshot(session, 1);

        try (IsolatedServices services = IsolatedServices.create("workspace-roundtrip", false);
                MinioClient s3 = services.s3Client()) {
            ArtifactStore store = new S3ArtifactStore(s3, services.bucket());
            WorkspaceDiff original;
            try (Workspace ws =
                    new Workspaces(tmp.resolve("driver")).cloneAt(origin.toUri().toString(), base.name(), null)) {
                Files.writeString(
                        ws.dir().resolve("Calc.java"), "class Calc { int add(int a, int b) { return a + b; } }\n");
                Files.writeString(ws.dir().resolve("CalcTest.java"), "class CalcTest {}\n");
                original = ws.diff();
                Path archive = tmp.resolve("iter_1.tar.gz");
                WorkspaceArchive.pack(ws.dir(), archive);
                store.put(key, archive, "application/gzip");
            }

            Path fetched = tmp.resolve("fetched.tar.gz");
            try (InputStream in = store.open(key).orElseThrow()) {
                Files.copy(in, fetched);
            }
            Path restoredDir = tmp.resolve("navigator/" + session);
            WorkspaceArchive.restore(fetched, restoredDir, 50_000_000);
            try (Workspace restored = Workspace.open(restoredDir, base.name())) {
                WorkspaceDiff again = restored.diff();
                assertThat(again.patchHash()).isEqualTo(original.patchHash());
                assertThat(again.files()).containsExactlyInAnyOrder("Calc.java", "CalcTest.java");
            }
        }
    }
}
