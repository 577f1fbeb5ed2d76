/**
 * Startup preflight: before any bean is created, every service checks that the services it
 * depends on (PostgreSQL, Redis, the S3 endpoint) answer with the configured settings, logs one line
 * saying what it connected to, and otherwise stops with a one-line error that names the setting.
 */
package dev.xpfleet.common.startup;
