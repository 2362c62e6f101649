/** Resident memory of this process, read from the operating system, for leak checks and reports. */
package dev.imed.core.memory;
