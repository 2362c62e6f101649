/**
 * Domains: named sets of images with class names (digits built in; Office-31, Office-Home, VisDA-2017,
 * image lists and folders on disk), opened from a spec by {@link dev.imed.core.data.Domains}; export
 * to a PNG folder and contact sheets for checking a dataset by eye.
 */
package dev.imed.core.data;
