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
} as const;

/** An error to show as one plain line, then exit with `exitCode`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.usage,
  ) {
    super(message);
  }
}
