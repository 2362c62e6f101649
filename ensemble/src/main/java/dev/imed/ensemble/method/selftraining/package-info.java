/** Methods that shape the target predictions themselves: minimum class confusion (MCC). */
package dev.imed.ensemble.method.selftraining;
