/**
 * The undo's own durable files, in `<job folder>/undo/`:
 * - `journal.ndjson`: one line per profile undone, durable before it is counted
 *   `{"t":"profile","key":"e:ann@x.com","outcome":"restored","email":"…","peopleId":"…","requests":4}`
 *   (the last line of a key wins: a failed or changed one may be undone by a later run);
 * - `summary.json`: the outcome in numbers (UndoSummary), rewritten when a run ends;
 * - `failed-profiles.csv`: the profiles that were not undone (failed, or changed since), with why.
 */
import { join } from 'node:path';
import { z } from 'zod';

export const UndoRecord = z.object({
  t: z.literal('profile'),
  key: z.string().min(3),
  outcome: z.enum(['deleted', 'restored', 'already', 'changed', 'failed']),
  reason: z.string().optional(),
  email: z.string().nullable(),
  peopleId: z.string().nullable(),
  requests: z.number().nonnegative(),
});
export type UndoRecord = z.infer<typeof UndoRecord>;

/** An outcome that a later run does not do again. */
export function isSettled(outcome: UndoRecord['outcome'], overwriteChanged: boolean): boolean {
  if (outcome === 'failed') return false;
  if (outcome === 'changed') return !overwriteChanged;
  return true;
}

export interface UndoPaths {
  dir: string;
  journal: string;
  summary: string;
  failedProfiles: string;
}

export function undoPaths(jobDir: string): UndoPaths {
  const dir = join(jobDir, 'undo');
  return {
    dir,
    journal: join(dir, 'journal.ndjson'),
    summary: join(dir, 'summary.json'),
    failedProfiles: join(dir, 'failed-profiles.csv'),
  };
}

export const UndoSummary = z.object({
  job: z.string(),
  /** completed: every profile was handled (some may be left: see changedSince, failed); paused: run again. */
  state: z.enum(['completed', 'paused']),
  /** The import kept before-images (run --undoable). */
  undoable: z.boolean(),
  profiles: z.number().int().nonnegative(),
  deleted: z.number().int().nonnegative(),
  restored: z.number().int().nonnegative(),
  /** Already as they were before the import (or already gone): nothing was sent. */
  alreadyUndone: z.number().int().nonnegative(),
  /** Changed in Crisp after the import: left as they are. */
  changedSince: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Updated by an import that kept no before-images: left as they are. */
  cannotRestore: z.number().int().nonnegative(),
  /** Not handled yet (a paused undo). */
  pending: z.number().int().nonnegative(),
  requests: z.number().nonnegative(),
  /** The profiles changed since the import (the first 1,000). */
  changed: z.array(z.object({ email: z.string().nullable(), peopleId: z.string().nullable() })),
  failedProfilesFile: z.string().nullable(),
  summaryFile: z.string(),
  /** Why it paused, when it did. */
  problem: z.object({ code: z.string(), message: z.string() }).nullable(),
  finishedAt: z.string(),
});
export type UndoSummary = z.infer<typeof UndoSummary>;
