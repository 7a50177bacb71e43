/**
 * What undoing a job means, profile by profile, from what the job kept: the journal's outcomes
 * (created profiles carry their people_id) and, for an undoable job, its images
 * (undo-images.ts). Created profiles are deleted; updated ones with a before-image are restored;
 * updated ones without (an import run without --undoable) cannot be restored and are counted.
 */
import type { ImportJobRecord } from '../import-jobs/job-record';
import { readJournalRows } from '../import-jobs/row-journal';
import { readUndoImages, type EmailImages } from './undo-images';

export type UndoTarget =
  | {
      key: string;
      action: 'delete';
      /** people_id, else the email. */
      address: string;
      email: string | null;
      images: EmailImages | null;
    }
  | {
      key: string;
      action: 'restore';
      address: string;
      email: string;
      images: EmailImages & { before: NonNullable<EmailImages['before']> };
    };

export interface UndoPlan {
  targets: UndoTarget[];
  /** Contacts the import updated whose before-image it did not keep: left as they are. */
  cannotRestore: number;
  /** The job kept before-images (run --undoable). */
  undoable: boolean;
}

export async function planUndo(
  job: ImportJobRecord,
  jobDir: string,
  journalPath: string,
): Promise<UndoPlan> {
  const images = (await readUndoImages(jobDir)) ?? new Map<string, EmailImages>();
  const targets: UndoTarget[] = [];
  const covered = new Set<string>();
  for (const entry of images.values()) {
    for (const id of [entry.before?.peopleId, entry.after?.peopleId]) if (id) covered.add(id);
    if (entry.before) {
      targets.push({
        key: `e:${entry.email}`,
        action: 'restore',
        address: entry.before.peopleId ?? entry.email,
        email: entry.email,
        images: entry as UndoTarget['images'] & { before: NonNullable<EmailImages['before']> },
      });
    } else if (entry.creating && !entry.exists) {
      targets.push({
        key: `e:${entry.email}`,
        action: 'delete',
        address: entry.after?.peopleId ?? entry.email,
        email: entry.email,
        images: entry,
      });
    }
  }
  const created = new Set<string>();
  const updated = new Set<string>();
  let updatedWithoutId = 0;
  for await (const record of readJournalRows(journalPath)) {
    if (record.outcome === 'created' && record.peopleId) created.add(record.peopleId);
    else if (record.outcome === 'updated') {
      if (record.peopleId) updated.add(record.peopleId);
      else updatedWithoutId += 1;
    }
  }
  for (const id of created) {
    if (covered.has(id)) continue;
    targets.push({ key: `p:${id}`, action: 'delete', address: id, email: null, images: null });
    covered.add(id);
  }
  const undoable = job.options.undoable === true;
  let cannotRestore = 0;
  if (!undoable) {
    for (const id of updated) if (!covered.has(id)) cannotRestore += 1;
    cannotRestore += updatedWithoutId;
  }
  return { targets, cannotRestore, undoable };
}
