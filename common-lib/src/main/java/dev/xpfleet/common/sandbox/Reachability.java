package dev.xpfleet.common.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Whether the sandbox user (nobody) can reach a directory: bubblewrap runs as that user, so every
 * directory above a workspace, a dependency cache or the analysers' jars must let others through
 * (a clone under a {@code mktemp -d} directory, mode 700, does not). Said plainly instead of
 * bubblewrap's "Can't find source path ... Permission denied".
 */
public final class Reachability {

    private static final int NOBODY = 65534;

    private Reachability() {}

    /** Why nobody cannot reach {@code dir}, or null when it can. */
    public static String problem(Path dir) {
        Path absolute = dir.toAbsolutePath().normalize();
        Path walked = absolute.getRoot();
        for (Path part : absolute) {
            walked = walked.resolve(part);
            if (!Files.isDirectory(walked)) {
                return null; // not created yet: its parent was checked
            }
            try {
                PosixFileAttributes attrs = Files.readAttributes(walked, PosixFileAttributes.class);
                if (!traversable(attrs)) {
                    return walked + " (mode " + mode(attrs.permissions()) + ", owner "
                            + attrs.owner().getName() + ") does not let the sandbox user (nobody) through to "
                            + absolute + "; give it o+x or choose a directory under one that does";
                }
            } catch (IOException | UnsupportedOperationException e) {
                return "cannot read the permissions of " + walked + ": " + e.getMessage();
            }
        }
        return null;
    }

    private static boolean traversable(PosixFileAttributes attrs) {
        Set<PosixFilePermission> p = attrs.permissions();
        return p.contains(PosixFilePermission.OTHERS_EXECUTE)
                || (p.contains(PosixFilePermission.OWNER_EXECUTE)
                        && isNobody(attrs.owner().getName()))
                || (p.contains(PosixFilePermission.GROUP_EXECUTE)
                        && isNobody(attrs.group().getName()));
    }

    private static boolean isNobody(String name) {
        return name.equals("nobody") || name.equals("nogroup") || name.equals(Integer.toString(NOBODY));
    }

    private static String mode(Set<PosixFilePermission> permissions) {
        return java.nio.file.attribute.PosixFilePermissions.toString(permissions);
    }
}
