/** What the deep-learning engine needs from the task threads that Flink runs operators on. */
package dev.imed.streaming.engine;
