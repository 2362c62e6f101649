/**
 * What a model costs to run: parameters, multiply-adds per image counted over the DJL block tree, and
 * measured CPU latency per image.
 */
package dev.imed.experiments.cost;
