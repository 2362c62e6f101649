/**
 * The serving benchmark: the server in-process, the load from a second JVM over loopback, compared
 * with the student's raw forward pass.
 */
package dev.imed.deploy.bench;
