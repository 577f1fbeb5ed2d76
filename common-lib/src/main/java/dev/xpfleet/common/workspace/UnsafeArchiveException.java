package dev.xpfleet.common.workspace;

import java.io.IOException;

/** An archive refused because restoring it would escape its directory or exceed a limit. */
public class UnsafeArchiveException extends IOException {

    private static final long serialVersionUID = 1L;

    public UnsafeArchiveException(String message) {
        super(message);
    }
}
