/**
 * An import job's id: `20261128-121900-ab12cd` (letters, digits, `_` and `-`, 6 to 80 of them).
 * It names the job's folder, so nothing else (no `/`, no `..`) is ever accepted as one: the IPC
 * contract and the job store both check it against this pattern.
 */
export const JOB_ID_PATTERN = /^[A-Za-z0-9_-]{6,80}$/;

export function isJobId(value: string): boolean {
  return JOB_ID_PATTERN.test(value);
}
