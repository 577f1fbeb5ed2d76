/**
 * What to run in a repository, for every agent that runs its code: the build tool detected from
 * the files it has (or the commands its base tree's {@code .fleet.yml} sets), and the dependency
 * prefetch, the only sandboxed runs with the network, into a cache no change's code can write.
 */
package dev.xpfleet.common.build;
