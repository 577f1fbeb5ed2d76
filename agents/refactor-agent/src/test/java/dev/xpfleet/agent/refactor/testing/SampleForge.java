package dev.xpfleet.agent.refactor.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.api.Git;

/**
 * A forge on disk as the local forge keeps one ({@code <root>/acme/shop.git}, bare) holding a
 * Java class whose one method has cyclomatic complexity 15: the known hotspot.
 */
public final class SampleForge {

    private SampleForge() {}

    /** A method with {@code branches} ifs (complexity branches + 1). */
    public static String branchy(String name, int branches) {
        StringBuilder body = new StringBuilder("    static int " + name + "(int x) {\n        int r = 0;\n");
        for (int i = 0; i < branches; i++) {
            body.append("        if (x > ")
                    .append(i)
                    .append(") {\n            r += ")
                    .append(i)
                    .append(";\n        }\n");
        }
        return body.append("        return r;\n    }\n").toString();
    }

    /**
     * @param fleetYml the repository's {@code .fleet.yml}, or null for none
     * @return the forge's root, for a clone URL {@code <root>/{repository}.git}
     */
    public static Path create(Path dir, String fleetYml) throws Exception {
        Path work = dir.resolve("seed");
        try (Git git =
                Git.init().setDirectory(work.toFile()).setInitialBranch("main").call()) {
            Path file = work.resolve("src/main/java/demo/Pricing.java");
            Files.createDirectories(file.getParent());
            Files.writeString(file, "package demo;\nclass Pricing {\n" + branchy("price", 14) + "}\n");
            if (fleetYml != null) {
                Files.writeString(work.resolve(".fleet.yml"), fleetYml);
            }
            git.add().addFilepattern(".").call();
            git.commit()
                    .setMessage("first")
                    .setAuthor("t", "t@e")
                    .setCommitter("t", "t@e")
                    .setSign(false)
                    .call();
        }
        Path forge = dir.resolve("forge");
        Files.createDirectories(forge.resolve("acme"));
        Git.cloneRepository()
                .setURI(work.toUri().toString())
                .setBare(true)
                .setDirectory(forge.resolve("acme/shop.git").toFile())
                .call()
                .close();
        return forge;
    }
}
