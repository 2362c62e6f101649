/** What every trained model offers the rest of imed: classify a batch; and evaluation over a domain. */
package dev.imed.core.model;
