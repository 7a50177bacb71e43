/**
 * The journal: an append-only NDJSON file (`journal.ndjson` in the job folder) holding every row's
 * final outcome, made durable (write + fdatasync) before the row is counted.
 *
 * Records, one JSON object per line:
 *   {"t":"row","row":12,"at":3456,"outcome":"created","peopleId":"…","requests":1}
 *   {"t":"row","row":13,"at":3501,"outcome":"skipped","code":"email_invalid","reason":"…","requests":0}
 *   {"t":"row","row":14,"at":3560,"outcome":"failed","reason":"…","retryable":true,"requests":3}
 *   {"t":"row","row":15,"at":3590,"outcome":"unchanged","requests":0,"l":"…"}
 *   {"t":"mark","row":15,"at":3610}
 *   {"t":"row","row":14,"at":3560,"outcome":"created","peopleId":"…","requests":1,"replaces":{"reason":"…"}}
 * A record with `replaces` is a failed row sent again (failed-row-retry.ts): its outcome takes the
 * place of the row's failure (with that reason) in the counters, wherever the row is.
 * `row` is the row number as a spreadsheet shows it, `at` the byte offset where the row starts.
 * `l` (created, updated, unchanged, failed) is the row's note for the change ledger: which email
 * occurrence and what was sent (change-ledger/ledger-note.ts); the journal is the ledger's
 * write-ahead log.
 * A `mark` says every row before `row` has a durable outcome: it is the low watermark a resume
 * seeks to. A mark only ever describes rows made durable by earlier commits, so it never runs ahead
 * of the records it vouches for, even if the machine stops in the middle of a write.
 *
 * Group commit: appended records wait in memory for at most `commitIntervalMs` (or until
 * `maxBatchRows` are waiting), then one write and one fdatasync make the whole batch durable and
 * every `append` of the batch resolves.
 *
 * Crash consistency: a kill -9 can leave the last line torn. On open, a torn or unreadable tail is
 * ignored and cut off, so new records never follow garbage. Loading replays only the part of the
 * journal written after the last snapshot stored in job.json (see JournalSnapshot).
 */
import { lstat, open, stat, truncate, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import { APPEND_FLAGS } from '../app-settings/output-file';
import { redactSecrets } from '../crisp-client/secret-redaction';
import { LEDGER_NOTE_PATTERN } from '../change-ledger/ledger-note';
import {
  emptyCounters,
  type JobCounters,
  type JournalSnapshot,
  type ResumePoint,
} from './job-record';

export const RowOutcomeKind = z.enum(['created', 'updated', 'skipped', 'failed', 'unchanged']);
export type RowOutcomeKind = z.infer<typeof RowOutcomeKind>;

const rowBase = {
  t: z.literal('row'),
  row: z.number().int().nonnegative(),
  at: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  /** A failed row sent again: this outcome replaces its failure, whose reason this is. */
  replaces: z.object({ reason: z.string() }).optional(),
};
/** The row's change-ledger note (see change-ledger/ledger-note.ts). */
const ledgerNote = z.string().regex(LEDGER_NOTE_PATTERN).optional();

export const RowOutcomeRecord = z.discriminatedUnion('outcome', [
  z.object({
    ...rowBase,
    outcome: z.literal('created'),
    peopleId: z.string().nullable(),
    l: ledgerNote,
  }),
  z.object({
    ...rowBase,
    outcome: z.literal('updated'),
    peopleId: z.string().nullable(),
    l: ledgerNote,
  }),
  z.object({ ...rowBase, outcome: z.literal('unchanged'), l: ledgerNote }),
  z.object({
    ...rowBase,
    outcome: z.literal('skipped'),
    code: z.string(),
    column: z.string().optional(),
    reason: z.string(),
  }),
  z.object({
    ...rowBase,
    outcome: z.literal('failed'),
    reason: z.string(),
    retryable: z.boolean(),
    l: ledgerNote,
  }),
]);
export type RowOutcomeRecord = z.infer<typeof RowOutcomeRecord>;

export const WatermarkRecord = z.object({
  t: z.literal('mark'),
  row: z.number().int().nonnegative(),
  at: z.number().int().nonnegative(),
});
export type WatermarkRecord = z.infer<typeof WatermarkRecord>;

export const JournalRecord = z.union([RowOutcomeRecord, WatermarkRecord]);
export type JournalRecord = z.infer<typeof JournalRecord>;

/** What replaying the journal gives: the counters, the resume point, the rows recorded above it. */
export interface JournalReplayState {
  counters: JobCounters;
  resumePoint: ResumePoint | null;
  /**
   * Rows recorded at or past the resume point. Rows the resume point has passed may linger until
   * the next prune (they are never asked about: reading starts at the resume point).
   */
  recordedAbove: Set<number>;
  /** The set's size after the last prune. */
  prunedAt: number;
  /** Skipped rows by issue code. */
  skippedByCode: Record<string, number>;
  /** Failed rows by reason (at most MAX_FAILURE_REASONS reasons, the rest under OTHER_REASONS). */
  failedByReason: Record<string, number>;
}

export const MAX_FAILURE_REASONS = 50;
export const OTHER_REASONS = '(other reasons)';

export function emptyReplayState(): JournalReplayState {
  return {
    counters: emptyCounters(),
    resumePoint: null,
    recordedAbove: new Set(),
    prunedAt: 0,
    skippedByCode: {},
    failedByReason: {},
  };
}

export function replayStateFromSnapshot(snapshot: JournalSnapshot): JournalReplayState {
  return {
    counters: { ...snapshot.counters },
    resumePoint: snapshot.resumePoint ? { ...snapshot.resumePoint } : null,
    recordedAbove: rowsOf(snapshot),
    prunedAt: 0,
    skippedByCode: { ...snapshot.skippedByCode },
    failedByReason: { ...snapshot.failedByReason },
  };
}

/** Applies one durable record to the replay state (the same function on load and while running). */
function rowsOf(snapshot: JournalSnapshot): Set<number> {
  const rows = new Set(snapshot.recordedAbove);
  for (const [first, last] of snapshot.recordedRanges) {
    for (let row = first; row <= last; row += 1) rows.add(row);
  }
  return rows;
}

/** The rows at or past `from`, as sorted runs `[first, last]`. */
function rangesOf(rows: Set<number>, from: number): Array<[number, number]> {
  const sorted = [...rows].filter((row) => row >= from).sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const row of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && row === last[1] + 1) last[1] = row;
    else ranges.push([row, row]);
  }
  return ranges;
}

export function applyJournalRecord(state: JournalReplayState, record: JournalRecord): void {
  if (record.t === 'mark') {
    if (state.resumePoint && record.row < state.resumePoint.row) return;
    state.resumePoint = { row: record.row, offset: record.at };
    // A large set is pruned now and then, not at every mark: it may hold many rows when a row far
    // back is still unsettled (held), and marks come with every commit.
    const size = state.recordedAbove.size;
    if (size <= 1024 || size > 2 * state.prunedAt + 1024) {
      for (const row of state.recordedAbove) if (row < record.row) state.recordedAbove.delete(row);
      state.prunedAt = state.recordedAbove.size;
    }
    return;
  }
  if (record.replaces) {
    applyRetriedRow(state, record, record.replaces.reason);
    return;
  }
  if (state.resumePoint && record.row < state.resumePoint.row) return; // cannot happen; be safe
  if (state.recordedAbove.has(record.row)) return; // recorded twice: count once
  state.recordedAbove.add(record.row);
  const c = state.counters;
  c.read++;
  c.requests += record.requests;
  c[record.outcome]++;
  if (record.outcome === 'skipped') {
    state.skippedByCode[record.code] = (state.skippedByCode[record.code] ?? 0) + 1;
  } else if (record.outcome === 'failed') {
    countFailure(state, record.reason);
  }
}

function countFailure(state: JournalReplayState, reason: string): void {
  const known =
    reason in state.failedByReason ||
    Object.keys(state.failedByReason).length < MAX_FAILURE_REASONS;
  const key = known ? reason : OTHER_REASONS;
  state.failedByReason[key] = (state.failedByReason[key] ?? 0) + 1;
}

/**
 * A failed row sent again: its new outcome takes the place of its failure (the row stays read
 * once; its requests add up).
 */
function applyRetriedRow(
  state: JournalReplayState,
  record: RowOutcomeRecord,
  failedReason: string,
): void {
  const c = state.counters;
  if (c.failed === 0) return; // no failure to replace (cannot happen; be safe)
  c.failed--;
  const key = failedReason in state.failedByReason ? failedReason : OTHER_REASONS;
  const left = (state.failedByReason[key] ?? 0) - 1;
  if (left > 0) state.failedByReason[key] = left;
  else delete state.failedByReason[key];
  c.requests += record.requests;
  c[record.outcome]++;
  if (record.outcome === 'skipped') {
    state.skippedByCode[record.code] = (state.skippedByCode[record.code] ?? 0) + 1;
  } else if (record.outcome === 'failed') {
    countFailure(state, record.reason);
  }
}

/** A failed row about to be sent again: its recorded reason and ledger note. */
export interface RetriedFailure {
  reason: string;
  l?: string;
}

export interface RowJournalOptions {
  /** Longest time an appended record waits before its batch is written. Default 10 ms. */
  commitIntervalMs?: number;
  /** A batch is written as soon as this many records wait. Default 500. */
  maxBatchRows?: number;
  /** Skip fdatasync (tests of logic only; never in the product). */
  unsafeNoSync?: boolean;
}

export interface JournalOpenResult {
  journal: RowJournal;
  /** Plain notes about what loading found (a torn last record, a snapshot that did not fit). */
  notes: string[];
}

interface Waiter {
  resolve: () => void;
  reject: (error: Error) => void;
}

export class JournalWriteError extends Error {
  readonly code = 'journal_write_failed';
}

export class RowJournal {
  private pendingLines: string[] = [];
  private pendingRecords: JournalRecord[] = [];
  private pendingWaiters: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  private failure: Error | null = null;
  private lastMarkRow = -1;
  private markProvider: (() => ResumePoint | null) | null = null;
  /** Failed rows being sent again (failed-row-retry.ts): their next record replaces the failure. */
  private retrying: Map<number, RetriedFailure> | null = null;
  private readonly commitIntervalMs: number;
  private readonly maxBatchRows: number;
  private readonly sync: boolean;

  private constructor(
    private readonly handle: FileHandle,
    private durableBytes: number,
    private readonly state: JournalReplayState,
    options: RowJournalOptions,
  ) {
    this.commitIntervalMs = options.commitIntervalMs ?? 10;
    this.maxBatchRows = options.maxBatchRows ?? 500;
    this.sync = !options.unsafeNoSync;
    this.lastMarkRow = state.resumePoint?.row ?? -1;
  }

  /**
   * Opens (or creates) a journal. With a snapshot from job.json, only the bytes written after it
   * are replayed; without one (or if it does not fit the file), the whole journal is.
   */
  static async open(
    path: string,
    snapshot: JournalSnapshot | null,
    options: RowJournalOptions = {},
  ): Promise<JournalOpenResult> {
    const notes: string[] = [];
    let size = 0;
    try {
      const info = await lstat(path);
      // Never read, cut or append through a link planted in the job's folder.
      if (!info.isFile()) {
        throw new JournalWriteError(
          `The import's journal ${path} is not a plain file (a link or a folder is in its place). Move it away, then resume.`,
        );
      }
      size = info.size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let state: JournalReplayState;
    let from: number;
    if (snapshot && snapshot.bytes <= size) {
      state = replayStateFromSnapshot(snapshot);
      from = snapshot.bytes;
    } else {
      if (snapshot && snapshot.bytes > 0) {
        notes.push(
          'The journal is shorter than its last saved summary; counters were rebuilt from the journal itself.',
        );
      }
      state = emptyReplayState();
      from = 0;
    }
    const replay = await replayJournalFile(path, from, size, state);
    if (replay.invalidLines > 0) {
      notes.push(`${replay.invalidLines} unreadable journal line(s) were ignored.`);
    }
    if (replay.validEnd < size) {
      notes.push(
        'The last journal record was incomplete (the import was stopped mid-write); it was ignored.',
      );
      await truncate(path, replay.validEnd);
    }
    const handle = await open(path, APPEND_FLAGS, 0o600);
    return {
      journal: new RowJournal(handle, replay.validEnd, state, options),
      notes,
    };
  }

  /** Called before each commit: the low watermark of rows made durable by earlier commits. */
  setMarkProvider(provider: () => ResumePoint | null): void {
    this.markProvider = provider;
  }

  /** Counters, resume point and recorded rows, as of the durable part of the journal. */
  get replayState(): Readonly<JournalReplayState> {
    return this.state;
  }

  /** The durable state as a snapshot to store in job.json. */
  snapshot(): JournalSnapshot {
    return {
      bytes: this.durableBytes,
      counters: { ...this.state.counters },
      resumePoint: this.state.resumePoint ? { ...this.state.resumePoint } : null,
      recordedAbove: [],
      recordedRanges: rangesOf(this.state.recordedAbove, this.state.resumePoint?.row ?? 0),
      skippedByCode: { ...this.state.skippedByCode },
      failedByReason: { ...this.state.failedByReason },
    };
  }

  /** Whether the row's outcome is durable (or queued to be) in this journal. */
  isRecorded(row: number): boolean {
    if (this.retrying?.has(row)) return false;
    return this.state.recordedAbove.has(row);
  }

  /**
   * These failed rows are sent again: the next record of each says it replaces the failure, and
   * carries the failure's ledger note (the row's email occurrence in the whole file, which a run
   * of only some rows cannot count).
   */
  retryFailedRows(rows: ReadonlyMap<number, RetriedFailure>): void {
    this.retrying = new Map(rows);
  }

  /** Appends a row's outcome (its reason redacted: no key); resolves once it is durable on disk. */
  append(given: RowOutcomeRecord): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new JournalWriteError('The journal is closed.'));
    const redacted = 'reason' in given ? { ...given, reason: redactSecrets(given.reason) } : given;
    const record = this.asRetry(redacted);
    return new Promise<void>((resolve, reject) => {
      this.pendingLines.push(JSON.stringify(record));
      this.pendingRecords.push(record);
      this.pendingWaiters.push({ resolve, reject });
      this.schedule();
    });
  }

  private asRetry(record: RowOutcomeRecord): RowOutcomeRecord {
    const failure = this.retrying?.get(record.row);
    if (!failure || record.replaces) return record;
    this.retrying!.delete(record.row);
    const { l: _planned, ...rest } = record as RowOutcomeRecord & { l?: string };
    void _planned;
    return {
      ...rest,
      ...(failure.l !== undefined && record.outcome !== 'skipped' ? { l: failure.l } : {}),
      replaces: { reason: failure.reason },
    } as RowOutcomeRecord;
  }

  /** Writes what waits, and a fresh watermark, now. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.flushing) {
        await this.flushing;
        continue;
      }
      const mark = this.pendingMark();
      if (this.pendingLines.length === 0 && !mark) return;
      await this.runCommit();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      await this.handle.close();
    }
  }

  private schedule(): void {
    if (this.flushing) return; // the running commit picks them up when it ends
    if (this.pendingLines.length >= this.maxBatchRows) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      void this.runCommit().catch(() => undefined);
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.runCommit().catch(() => undefined);
      }, this.commitIntervalMs);
    }
  }

  private pendingMark(): WatermarkRecord | null {
    const point = this.markProvider?.() ?? null;
    if (!point || point.row <= this.lastMarkRow) return null;
    return { t: 'mark', row: point.row, at: point.offset };
  }

  private runCommit(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.commitOnce().finally(() => {
      this.flushing = null;
      if (this.pendingLines.length > 0 && !this.closed) this.schedule();
    });
    return this.flushing;
  }

  private async commitOnce(): Promise<void> {
    const mark = this.pendingMark();
    const lines = this.pendingLines;
    const records = this.pendingRecords;
    const waiters = this.pendingWaiters;
    this.pendingLines = [];
    this.pendingRecords = [];
    this.pendingWaiters = [];
    if (lines.length === 0 && !mark) return;
    const text = (mark ? JSON.stringify(mark) + '\n' : '') + lines.map((l) => l + '\n').join('');
    const bytes = Buffer.from(text, 'utf8');
    try {
      if (this.failure) throw this.failure;
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      if (this.sync) await this.handle.datasync();
    } catch (error) {
      const failure =
        error instanceof JournalWriteError
          ? error
          : new JournalWriteError(
              `The import's journal could not be written (${(error as Error).message}). ` +
                'Free some disk space or check the state folder, then resume.',
            );
      this.failure = failure;
      for (const w of waiters) w.reject(failure);
      throw failure;
    }
    this.durableBytes += bytes.length;
    if (mark) {
      applyJournalRecord(this.state, mark);
      this.lastMarkRow = mark.row;
    }
    for (const record of records) applyJournalRecord(this.state, record);
    for (const w of waiters) w.resolve();
  }
}

interface ReplayResult {
  /** Byte offset just past the last valid record. */
  validEnd: number;
  invalidLines: number;
}

/** Replays records from byte `from` to `size`, stopping at a torn or unreadable tail. */
async function replayJournalFile(
  path: string,
  from: number,
  size: number,
  state: JournalReplayState,
): Promise<ReplayResult> {
  const lines = journalRecords(path, from, size);
  for (;;) {
    const next = await lines.next();
    if (next.done) return next.value;
    applyJournalRecord(state, next.value);
  }
}

/**
 * The valid records from byte `from` to `size`, in order; returns where the last valid record
 * ends (a torn or unreadable tail is not part of the journal) and how many unreadable lines
 * were passed over before it.
 */
async function* journalRecords(
  path: string,
  from: number,
  size: number,
): AsyncGenerator<JournalRecord, ReplayResult> {
  if (size <= from) return { validEnd: from, invalidLines: 0 };
  const handle = await open(path, 'r');
  let validEnd = from;
  let invalidLines = 0;
  let pendingInvalid = 0;
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    let carry: Buffer = Buffer.alloc(0);
    let position = from;
    let lineStart = from;
    while (position < size) {
      const { bytesRead } = await handle.read(
        chunk,
        0,
        Math.min(chunk.length, size - position),
        position,
      );
      if (bytesRead === 0) break;
      position += bytesRead;
      const data =
        carry.length > 0
          ? Buffer.concat([carry, chunk.subarray(0, bytesRead)])
          : chunk.subarray(0, bytesRead);
      let start = 0;
      for (;;) {
        const nl = data.indexOf(0x0a, start);
        if (nl < 0) break;
        const line = data.toString('utf8', start, nl);
        const lineEnd = lineStart + (nl - start) + 1;
        const record = parseJournalLine(line);
        if (record) {
          yield record;
          validEnd = lineEnd;
          invalidLines += pendingInvalid;
          pendingInvalid = 0;
        } else if (line.trim().length > 0) {
          pendingInvalid++;
        } else {
          if (pendingInvalid === 0) validEnd = lineEnd;
        }
        lineStart = lineEnd;
        start = nl + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    // Whatever follows the last complete valid line (a torn record, garbage) is the tail to cut.
  } finally {
    await handle.close();
  }
  return { validEnd, invalidLines };
}

/**
 * The row records of a journal from byte `from` (for the change ledger); returns where the last
 * valid record ends. A journal that does not exist has none.
 */
export async function* readJournalTail(
  path: string,
  from: number,
): AsyncGenerator<RowOutcomeRecord, number> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return from;
    throw error;
  }
  const records = journalRecords(path, from, size);
  for (;;) {
    const next = await records.next();
    if (next.done) return next.value.validEnd;
    if (next.value.t === 'row') yield next.value;
  }
}

function parseJournalLine(line: string): JournalRecord | null {
  if (line.length === 0 || line[0] !== '{') return null;
  try {
    const json: unknown = JSON.parse(line);
    // Dispatch on the record type first: one schema to check instead of a union of all.
    const kind = (json as { t?: unknown } | null)?.t;
    const parsed =
      kind === 'row'
        ? RowOutcomeRecord.safeParse(json)
        : kind === 'mark'
          ? WatermarkRecord.safeParse(json)
          : null;
    return parsed?.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Streams every row outcome in the journal (for reports). Torn or unreadable lines are skipped.
 */
export async function* readJournalRows(path: string): AsyncGenerator<RowOutcomeRecord> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    const chunk = Buffer.allocUnsafe(1024 * 1024);
    const decoder = new StringDecoder('utf8');
    let carry = '';
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const text = carry + decoder.write(chunk.subarray(0, bytesRead));
      const lines = text.split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        const record = parseJournalLine(line);
        if (record && record.t === 'row') yield record;
      }
    }
  } finally {
    await handle.close();
  }
}
