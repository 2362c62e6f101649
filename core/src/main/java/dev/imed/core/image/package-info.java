/**
 * Decoding untrusted image bytes (uploads, files dropped into a watched directory) within limits:
 * PNG, JPEG, GIF and BMP recognised by their signature, the header's pixel count checked before any
 * pixel is decoded, corrupt or truncated data refused with a reason.
 */
package dev.imed.core.image;
