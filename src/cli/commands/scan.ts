import type { Command } from 'commander';

/** Registers the `scan` command(s). Not implemented yet. */
export function registerScanCommand(_program: Command): void {}
