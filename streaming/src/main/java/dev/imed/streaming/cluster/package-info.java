/**
 * A Flink session cluster of separate processes on this machine (one JobManager, N TaskManagers, each
 * a JVM with imed's classpath), for {@code imed cluster} and {@code imed stream --cluster}.
 */
package dev.imed.streaming.cluster;
