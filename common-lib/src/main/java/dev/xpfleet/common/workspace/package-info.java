/**
 * Workspaces: a repository cloned at a commit into its own directory (JGit), diffs applied to it
 * after path checks, its change as a diff with a stable patch hash, and tar.gz snapshots restored
 * with zip-slip checks.
 */
package dev.xpfleet.common.workspace;
