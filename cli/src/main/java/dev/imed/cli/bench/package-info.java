/**
 * The serving benchmark, kept out of the server's jar: the server in-process, the load from a second
 * JVM over loopback (Apache HttpClient), compared with the student's raw forward pass.
 */
package dev.imed.cli.bench;
