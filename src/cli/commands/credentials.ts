import type { Command } from 'commander';

/** Registers the `credentials` command(s). Not implemented yet. */
export function registerCredentialsCommand(_program: Command): void {}
