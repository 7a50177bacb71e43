import type { Command } from 'commander';

/** Registers the `sandbox` command(s). Not implemented yet. */
export function registerSandboxCommand(_program: Command): void {}
