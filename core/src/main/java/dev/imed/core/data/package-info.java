/** Domains: named sets of images with class names (digits built in; Office-31, Office-Home, VisDA-2017, image lists and folders on disk). */
package dev.imed.core.data;
