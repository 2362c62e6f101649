/** Console progress bars for long runs. */
package dev.imed.core.progress;
