/**
 * `job.json`: everything a job needs to be listed, shown and resumed, validated with zod whenever
 * it is read from disk. Versioned: a newer app refuses nothing it can migrate, and an older app
 * refuses a newer file in plain words instead of misreading it.
 */
import { z } from 'zod';
import { ImportMapping } from '../../../shared/column-mapping';
import { CsvDelimiter, CsvEncoding, CsvFormat } from '../../../shared/csv-format';
import { JOB_ID_PATTERN } from '../../../shared/job-id';

export const IMPORT_JOB_VERSION = 1 as const;

export const IMPORT_JOB_STATES = [
  'draft',
  'scanning',
  'ready',
  'running',
  'paused',
  'waiting_for_quota',
  'waiting_for_connection',
  'completed',
  'failed',
  'cancelled',
] as const;
export const ImportJobState = z.enum(IMPORT_JOB_STATES);
export type ImportJobState = z.infer<typeof ImportJobState>;

/** States after which nothing is sent any more: the job can be looked at, not resumed. */
export const FINISHED_JOB_STATES: readonly ImportJobState[] = ['completed', 'failed', 'cancelled'];

export function isFinishedJobState(state: ImportJobState): boolean {
  return FINISHED_JOB_STATES.includes(state);
}

/**
 * What identifies the file's contents cheaply: see file-fingerprint.ts for how the sample hash is
 * taken (first and last MiB plus evenly spaced blocks, and the size).
 */
export const FileFingerprint = z.object({
  size: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  /** `sha256:<hex>` of the sampled blocks and the size. */
  sampleHash: z.string().min(8),
});
export type FileFingerprint = z.infer<typeof FileFingerprint>;

export const JobCounters = z.object({
  /** Rows with a recorded outcome (created + updated + skipped + failed + unchanged). */
  read: z.number().int().nonnegative(),
  created: z.number().int().nonnegative(),
  updated: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** Rows whose contact is exactly what this app last wrote to the website: nothing sent. */
  unchanged: z.number().int().nonnegative().default(0),
  /** Crisp API requests spent on recorded rows. */
  requests: z.number().int().nonnegative(),
});
export type JobCounters = z.infer<typeof JobCounters>;

export function emptyCounters(): JobCounters {
  return { read: 0, created: 0, updated: 0, skipped: 0, failed: 0, unchanged: 0, requests: 0 };
}

export function emptyJournalSnapshot(): JournalSnapshot {
  return {
    bytes: 0,
    counters: emptyCounters(),
    resumePoint: null,
    recordedAbove: [],
    recordedRanges: [],
    skippedByCode: {},
    failedByReason: {},
  };
}

/**
 * Where reading continues: the byte offset where row `row` starts. Every row before it has a
 * durable outcome; rows at or after it whose outcome is recorded are listed in `recordedAbove`.
 */
export const ResumePoint = z.object({
  offset: z.number().int().nonnegative(),
  row: z.number().int().nonnegative(),
});
export type ResumePoint = z.infer<typeof ResumePoint>;

/**
 * A snapshot of the journal's replayed state after its first `bytes` bytes, written after those
 * bytes were made durable. Loading replays only the journal's tail past `bytes`, so a job at row
 * 1,900,000 opens in milliseconds and its counters still equal the journal exactly.
 */
export const JournalSnapshot = z.object({
  bytes: z.number().int().nonnegative(),
  counters: JobCounters,
  resumePoint: ResumePoint.nullable(),
  /** Rows at or past the resume point whose outcome is recorded (older files list them here). */
  recordedAbove: z.array(z.number().int().nonnegative()),
  /** The same as runs of rows, `[first, last]` (a held row far back keeps many rows above it). */
  recordedRanges: z
    .array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]))
    .default([]),
  skippedByCode: z.record(z.string(), z.number().int().nonnegative()).default({}),
  failedByReason: z.record(z.string(), z.number().int().nonnegative()).default({}),
});
export type JournalSnapshot = z.infer<typeof JournalSnapshot>;

/**
 * How the file is read, fixed when the job starts so a resume reads it the same way: the
 * encoding (the one the whole-file check found, when the start of the file misled detection),
 * the separator, the header row (`format.headerRow`; absent in jobs saved before it existed:
 * row 1), the column names and where the data starts (rows above it are never read).
 */
export const JobFileLayout = z.object({
  format: CsvFormat,
  /** What detection found on its own (before the user's overrides). */
  detected: CsvFormat.optional(),
  headers: z.array(z.string()),
  dataStartOffset: z.number().int().nonnegative(),
  dataStartRow: z.number().int().nonnegative(),
  /** Length of the byte order mark (0 when none). */
  bomLength: z.number().int().nonnegative().default(0),
  /** The file's modification time as the reader saw it (the reader refuses a changed file). */
  modifiedAtMs: z.number().optional(),
});
export type JobFileLayout = z.infer<typeof JobFileLayout>;

export const FormatOverrides = z.object({
  encoding: CsvEncoding.optional(),
  delimiter: CsvDelimiter.optional(),
  header: z.boolean().optional(),
  /** The row holding the column names, when the person chose it (`--header-row`). */
  headerRow: z.number().int().positive().optional(),
  /** An Excel workbook's sheet, when the person chose it (`--sheet`). */
  sheet: z.string().min(1).optional(),
});
export type FormatOverrides = z.infer<typeof FormatOverrides>;

export const ImportJobOptions = z.object({
  /** Validate and tell what would happen; send no write. */
  dryRun: z.boolean().default(false),
  /** In a dry run: read Crisp to tell "would create" from "would update" (costs requests). */
  checkExisting: z.boolean().default(false),
  formatOverrides: FormatOverrides.default({}),
  /**
   * Send every row, even those whose contact is what this app last wrote to the website (for
   * instance after profiles were deleted in Crisp). What is sent is remembered all the same.
   */
  sendAll: z.boolean().default(false),
  /**
   * Keep what each existing contact held before the import changes it (undo-images.ndjson), so
   * the import can be undone exactly (../import-undo). Costs a read or two per existing contact.
   */
  undoable: z.boolean().optional(),
});
export type ImportJobOptions = z.infer<typeof ImportJobOptions>;

export const JobProblem = z.object({ code: z.string(), message: z.string() });
export type JobProblem = z.infer<typeof JobProblem>;

export const ImportJobRecord = z.object({
  version: z.literal(IMPORT_JOB_VERSION),
  id: z.string().regex(JOB_ID_PATTERN),
  state: ImportJobState,
  createdAt: z.string(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  file: z.object({ path: z.string().min(1), fingerprint: FileFingerprint }),
  layout: JobFileLayout,
  mapping: ImportMapping,
  /** sha256 of the mapping's canonical JSON: "same mapping" when looking for a job to resume. */
  mappingHash: z.string(),
  options: ImportJobOptions,
  websiteId: z.string().min(1),
  /** Base URL of the Crisp API (a fake or sandbox server in tests); never holds credentials. */
  apiUrl: z.string().nullable(),
  counters: JobCounters,
  journal: JournalSnapshot,
  /** When waiting for quota: when sending is expected to continue (ISO 8601). */
  waitingUntil: z.string().nullable().default(null),
  /** Plain words on the current state ("Paused by you.", "Waiting for the daily quota..."). */
  stateMessage: z.string().nullable().default(null),
  /**
   * Why the job failed, when it did; or why it waits for the connection ('network_unreachable':
   * continues by itself; 'connection_refused': the credentials need fixing).
   */
  problem: JobProblem.nullable().default(null),
});
export type ImportJobRecord = z.infer<typeof ImportJobRecord>;

/** Ids sort by creation time: `20261128-121900-ab12cd`. */
export function newJobId(now: Date = new Date()): string {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp =
    `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-` +
    `${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
  const suffix = Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, '0');
  return `${stamp}-${suffix}`;
}
