/** The {@code imed} command: one subcommand per job a user runs. */
package dev.imed.cli;
