import { redactSecrets } from '../main/engine/crisp-client/secret-redaction';

/** Exit codes of `crisp-import`: a public contract that users' scripts depend on. */
export const EXIT = {
  /** Completed with no failed rows. */
  ok: 0,
  /** Completed with failed or skipped rows. */
  completedWithProblems: 1,
  /** Bad usage or unreadable input. */
  usage: 2,
  /** Paused (quota, connection, Ctrl-C): run the same command again to resume. */
  paused: 3,
  /**
   * `run`: the same import (same file, unchanged, same website and mapping) already completed;
   * nothing was sent. `--restart` imports the file again as a new job.
   */
  alreadyFinished: 4,
} as const;

/**
 * An error to show as one plain line, then exit with `exitCode`. With `--json` it is also printed
 * on stdout as `{"error": {"code", "message"}}`; `code` is stable (a public contract): `usage` for
 * bad arguments, the reader's code for a file that cannot be read as CSV (`file_unreadable`,
 * `spreadsheet_file`, `header_row_invalid`…), or one named where the error is thrown.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
    readonly code: string = 'usage',
  ) {
    super(message);
  }
}

/** True when the command line asks for JSON output (`--json` before any `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--json') return true;
  }
  return false;
}

/** The one JSON line printed on stdout for an error with `--json`. */
export function jsonErrorLine(code: string, message: string): string {
  return `${JSON.stringify({ error: { code, message: redactSecrets(message) } })}\n`;
}
