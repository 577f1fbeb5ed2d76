package dev.xpfleet.common.workspace;

import java.io.IOException;

/** A workspace operation that cannot be done: bad repository, unknown commit, rejected diff. */
public class WorkspaceException extends IOException {

    private static final long serialVersionUID = 1L;

    public WorkspaceException(String message) {
        super(message);
    }

    public WorkspaceException(String message, Throwable cause) {
        super(message, cause);
    }
}
