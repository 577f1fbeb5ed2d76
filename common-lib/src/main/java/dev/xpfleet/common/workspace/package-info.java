/**
 * Workspaces: a repository's working tree in an isolated directory. So far: packing a workspace as
 * {@code tar.gz} and restoring one, refusing archives that would write outside their directory.
 */
package dev.xpfleet.common.workspace;
