import type { Command } from 'commander';

/** Registers the `run` command(s). Not implemented yet. */
export function registerRunCommand(_program: Command): void {}
