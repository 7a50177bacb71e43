import type { Command } from 'commander';

/** Registers the `jobs` command(s). Not implemented yet. */
export function registerJobsCommand(_program: Command): void {}
