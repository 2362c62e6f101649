/** The server's Micrometer meters, exported in Prometheus format at {@code /metrics}. */
package dev.imed.deploy.metrics;
