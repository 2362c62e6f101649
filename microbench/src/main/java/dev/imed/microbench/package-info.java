/**
 * JMH micro-benchmarks of imed code in one JVM: CDAN's multilinear map and the student's forward pass.
 * Run {@code java -XX:MaxDirectMemorySize=256m -Dai.djl.offline=true -jar microbench/target/benchmarks.jar}.
 */
package dev.imed.microbench;
