/** The student inference server. */
package dev.imed.deploy;
