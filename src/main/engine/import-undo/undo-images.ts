/**
 * `undo-images.ndjson` in a job folder, kept by an undoable import (`run --undoable`): what it
 * needs to take the import back, one JSON object a line, each durable before the write it
 * vouches for:
 *   {"t":"creating","email":"…"}                      before a profile is created
 *   {"t":"exists","email":"…"}                        the create met a profile that was there
 *   {"t":"before","email":"…","peopleId":"…","profile":{…},"data":{…}}
 *                                                     what an existing profile held, before the
 *                                                     first write that changes it
 *   {"t":"after","email":"…","kind":"updated","peopleId":"…","profile":{…},"data":{…}}
 *                                                     what the import left (the changed-since check)
 * `UndoImageKeeper` is the sender's UndoImageRecorder (../contact-sending/before-images.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { KnownProfile } from '../contact-planning/profile-merge';
import type { UndoImageRecorder } from '../contact-sending/before-images';
import { DurableLines, readDurableLines } from './durable-lines';

export const UNDO_IMAGES_FILE = 'undo-images.ndjson';

const DataValue = z.union([z.string(), z.number(), z.boolean()]);
export const ImageData = z.record(z.string(), DataValue);
export type ImageData = z.infer<typeof ImageData>;

export const ImageProfile = z.object({
  person: z.record(z.string(), z.unknown()),
  company: z.record(z.string(), z.unknown()),
  segments: z.array(z.string()),
  notepad: z.string().optional(),
});
export type ImageProfile = z.infer<typeof ImageProfile>;

const email = z.string().min(3);
export const UndoImageRecord = z.discriminatedUnion('t', [
  z.object({ t: z.literal('creating'), email }),
  z.object({ t: z.literal('exists'), email }),
  z.object({
    t: z.literal('before'),
    email,
    peopleId: z.string().nullable(),
    profile: ImageProfile,
    data: ImageData,
  }),
  z.object({
    t: z.literal('after'),
    email,
    kind: z.enum(['created', 'updated']),
    peopleId: z.string().nullable(),
    profile: ImageProfile,
    data: ImageData,
  }),
]);
export type UndoImageRecord = z.infer<typeof UndoImageRecord>;

export function undoImagesPath(jobDir: string): string {
  return join(jobDir, UNDO_IMAGES_FILE);
}

export function imageOf(profile: KnownProfile): ImageProfile {
  return {
    person: structuredClone(profile.person),
    company: structuredClone(profile.company),
    segments: [...profile.segments],
    ...(profile.notepad !== undefined ? { notepad: profile.notepad } : {}),
  };
}

/** What the images say of one email, folded in file order. */
export interface EmailImages {
  email: string;
  creating: boolean;
  exists: boolean;
  /** The first before-image: what the profile held before this import. */
  before: Extract<UndoImageRecord, { t: 'before' }> | null;
  /** The last after-image: what this import left. */
  after: Extract<UndoImageRecord, { t: 'after' }> | null;
}

export function foldImages(records: readonly UndoImageRecord[]): Map<string, EmailImages> {
  const byEmail = new Map<string, EmailImages>();
  for (const record of records) {
    let entry = byEmail.get(record.email);
    if (!entry) {
      entry = { email: record.email, creating: false, exists: false, before: null, after: null };
      byEmail.set(record.email, entry);
    }
    if (record.t === 'creating') entry.creating = true;
    else if (record.t === 'exists') entry.exists = true;
    else if (record.t === 'before') entry.before ??= record;
    else entry.after = record;
  }
  return byEmail;
}

export async function readUndoImages(jobDir: string): Promise<Map<string, EmailImages> | null> {
  const records = await readDurableLines(undoImagesPath(jobDir), UndoImageRecord);
  return records.length === 0 ? null : foldImages(records);
}

/** Keeps the images of one undoable job while it sends (see UndoImageRecorder). */
export class UndoImageKeeper implements UndoImageRecorder {
  private constructor(
    private readonly file: DurableLines<UndoImageRecord>,
    private readonly emails: Map<string, EmailImages>,
    /** Emails whose create an earlier run of this job began, with no existing profile met. */
    private readonly earlierCreates: Set<string>,
    private readonly dataNow: Map<string, ImageData>,
  ) {}

  static async open(jobDir: string): Promise<UndoImageKeeper> {
    const { lines, records } = await DurableLines.open(undoImagesPath(jobDir), UndoImageRecord);
    const emails = foldImages(records);
    const dataNow = new Map<string, ImageData>();
    for (const entry of emails.values()) {
      const data = entry.after?.data ?? entry.before?.data;
      if (data) dataNow.set(entry.email, data);
    }
    const earlier = new Set<string>();
    for (const entry of emails.values())
      if (entry.creating && !entry.exists && !entry.before) earlier.add(entry.email);
    return new UndoImageKeeper(lines, emails, earlier, dataNow);
  }

  needsBefore(email: string): boolean {
    const entry = this.emails.get(email);
    if (!entry) return true;
    if (entry.before) return false;
    // Created by this job (a create of an earlier run that met no existing profile).
    return !(entry.creating && !entry.exists);
  }

  createdEarlier(email: string): boolean {
    return this.earlierCreates.has(email);
  }

  async creating(email: string): Promise<void> {
    const entry = this.emails.get(email);
    if (entry?.creating) return;
    await this.append({ t: 'creating', email });
  }

  async exists(email: string): Promise<void> {
    this.earlierCreates.delete(email);
    if (this.emails.get(email)?.exists) return;
    await this.append({ t: 'exists', email });
  }

  async keepBefore(
    email: string,
    peopleId: string | null,
    profile: KnownProfile,
    data: ImageData,
  ): Promise<void> {
    if (!this.needsBefore(email)) return;
    this.dataNow.set(email, { ...data });
    await this.append({ t: 'before', email, peopleId, profile: imageOf(profile), data });
  }

  async wrote(
    email: string,
    kind: 'created' | 'updated',
    peopleId: string | null,
    profile: KnownProfile,
    written: ImageData | null,
  ): Promise<void> {
    const data: ImageData = { ...(this.dataNow.get(email) ?? {}) };
    for (const [key, value] of Object.entries(written ?? {})) {
      if (value === '') delete data[key];
      else data[key] = value;
    }
    this.dataNow.set(email, data);
    const known = this.emails.get(email)?.before?.peopleId ?? null;
    await this.append({
      t: 'after',
      email,
      kind,
      peopleId: peopleId ?? known,
      profile: imageOf(profile),
      data,
    });
  }

  close(): Promise<void> {
    return this.file.close();
  }

  private async append(record: UndoImageRecord): Promise<void> {
    await this.file.append(record);
    const folded = foldImages([record]).get(record.email)!;
    const entry = this.emails.get(record.email);
    if (!entry) this.emails.set(record.email, folded);
    else {
      entry.creating ||= folded.creating;
      entry.exists ||= folded.exists;
      entry.before ??= folded.before;
      entry.after = folded.after ?? entry.after;
    }
  }
}
