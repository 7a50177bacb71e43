/**
 * The change ledger of one website: for each email this app wrote there, what it last wrote,
 * occurrence by occurrence (an email's first valid row of a file, its second...), as digests of
 * the contact per part (contact-digest.ts), with the job that wrote it and when. An import reads
 * it to skip rows whose contact is exactly what this app last wrote (outcome `unchanged`) and to
 * send only the parts that changed; see contact-planning for the rules.
 *
 * Files, in `<stateDir>/ledger/<website>@<api hash>/`:
 *   ledger.json          the header (LedgerHeader): entries file, job list, what is folded in
 *   entries-<stamp>.bin  an 8-byte magic, then the entries sorted (ledger-table.ts): 32 bytes each
 *
 * Durability: the ledger is fed only from journal records that are durable (each row's record
 * carries a ledger note), and the journals are its write-ahead log: opening it folds into it the
 * part of every journal of this website written since the last save (`folded`), so a kill -9 at
 * any instant loses nothing (the table is rewritten to a new file, then the header is replaced
 * atomically; the previous entries file is kept until the next save for readers in flight).
 *
 * Stale occurrences: when a job that read its whole file saw an email fewer times than an older
 * import did, the older occurrences past its count no longer describe what Crisp holds; they are
 * dropped (`sweep`) when that job is folded as completed.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../app-settings/json-file';
import {
  ENTRY_BYTES,
  ENTRY_DELETED,
  ENTRY_FAILED,
  LedgerTable,
  type LedgerEntry,
} from './ledger-table';
import type { LedgerNote } from './ledger-note';
import { contactDigestWords, type ContactDigest } from './contact-digest';
import type { ContactProfile } from '../../../shared/contact-profile';
import { combinedDigest, LedgerSummary, type LedgerCheckSource } from './ledger-summary';

const MAGIC = Buffer.from('CILEDGR1', 'latin1');

export const LedgerHeader = z.object({
  version: z.literal(1),
  websiteId: z.string(),
  apiUrl: z.string(),
  /** The entries file in this folder; null while the ledger is empty. */
  entriesFile: z.string().nullable(),
  entries: z.number().int().nonnegative(),
  /** Jobs entries refer to (an entry's job number is its position + 1). */
  jobs: z.array(z.object({ id: z.string(), startedAt: z.string() })),
  /** Per job: the journal bytes folded in, and whether its stale entries were swept. */
  folded: z.record(
    z.string(),
    z.object({ bytes: z.number().int().nonnegative(), swept: z.boolean() }),
  ),
  /** The last job that sent to this website (a resumed job checks nobody sent in between). */
  lastRunJob: z.string().nullable(),
});
export type LedgerHeader = z.infer<typeof LedgerHeader>;

export type LedgerOutcome = 'created' | 'updated' | 'unchanged' | 'failed';

export interface LedgerRecord {
  outcome: LedgerOutcome;
  note: LedgerNote;
}

/** A job's journal, as the ledger folds it. */
export interface LedgerJournalSource {
  jobId: string;
  /** When the job started (ISO): "unchanged since the import of 3 Nov". */
  startedAt: string;
  /** The job read its whole file (its stale entries can be swept). */
  completed: boolean;
  /** Records with a ledger note from byte `from`, then where the last complete line ended. */
  read(from: number): AsyncGenerator<LedgerRecord, number>;
  /** The journal's size now (bytes). */
  size(): Promise<number>;
}

export interface ChangeLedgerOptions {
  stateDir: string;
  websiteId: string;
  /** The Crisp API address (a sandbox and the real Crisp never share a ledger). */
  apiUrl: string;
  /** Every job of this website whose journal may hold records not folded yet. */
  journals: readonly LedgerJournalSource[];
  /** False: fold in memory only, never write (a scan). */
  writable: boolean;
}

/** Entries read at a time when a summary is built from an entries file (1 MB). */
const SUMMARY_BLOCK_ENTRIES = 32_768;
const words = new Uint32Array(6);

export class ChangeLedger implements LedgerCheckSource {
  private readonly jobNumbers = new Map<string, number>();
  private dirty = false;

  private constructor(
    readonly dir: string,
    private header: LedgerHeader,
    private table: LedgerTable,
    private readonly writable: boolean,
  ) {
    header.jobs.forEach((job, index) => this.jobNumbers.set(job.id, index + 1));
  }

  static folderFor(stateDir: string, websiteId: string, apiUrl: string): string {
    const api = createHash('sha256').update(normalizeApiUrl(apiUrl)).digest('hex').slice(0, 8);
    return join(stateDir, 'ledger', `${websiteId.replace(/[^A-Za-z0-9_-]/g, '_')}@${api}`);
  }

  /** Loads the ledger of a website and folds in what its journals hold since the last save. */
  static async open(options: ChangeLedgerOptions): Promise<ChangeLedger> {
    const dir = ChangeLedger.folderFor(options.stateDir, options.websiteId, options.apiUrl);
    const { header, table } = await loadLedger(dir, options);
    const ledger = new ChangeLedger(dir, header, table, options.writable);
    for (const journal of options.journals) await ledger.fold(journal);
    const known = new Set(options.journals.map((journal) => journal.jobId));
    for (const jobId of Object.keys(ledger.header.folded)) {
      if (!known.has(jobId)) {
        delete ledger.header.folded[jobId];
        ledger.dirty = true;
      }
    }
    if (ledger.dirty && ledger.writable) await ledger.save();
    return ledger;
  }

  /**
   * The ledger as the full-file check needs it (ledger-summary.ts: 14 bytes an entry, against
   * 32), read only. When every journal is folded in already (the usual case), the entries file
   * is streamed into it 32,768 entries at a time, so the table is never in memory; otherwise the
   * ledger is opened and folded in memory (nothing written), then summarized the same way. A
   * header or entries file that cannot be read, or whose entries are out of order, gives an
   * empty summary (rows are sent again, never skipped wrongly).
   */
  static async openSummary(options: ChangeLedgerOptions): Promise<LedgerSummary> {
    const dir = ChangeLedger.folderFor(options.stateDir, options.websiteId, options.apiUrl);
    const read = await readJsonFile(join(dir, 'ledger.json'), LedgerHeader);
    if (!read.ok) {
      if (options.journals.length === 0) return LedgerSummary.empty();
      return (await ChangeLedger.open({ ...options, writable: false })).summarize();
    }
    const header = read.value;
    if (await needsFolding(header, options.journals)) {
      return (await ChangeLedger.open({ ...options, writable: false })).summarize();
    }
    if (!header.entriesFile || header.entries === 0)
      return new LedgerSummary(0, header.jobs).sealed();
    try {
      return await summarizeEntriesFile(join(dir, header.entriesFile), header);
    } catch {
      return LedgerSummary.empty();
    }
  }

  /** This ledger as a summary (its sorted entries, 32,768 at a time); empty if out of order. */
  summarize(): LedgerSummary {
    const summary = new LedgerSummary(this.table.size, [...this.header.jobs]);
    for (const chunk of this.table.sortedChunks(SUMMARY_BLOCK_ENTRIES)) {
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (let at = 0; at < chunk.length; at += ENTRY_BYTES) {
        if (!addToSummary(summary, chunk, view, at)) return LedgerSummary.empty();
      }
    }
    return summary.sealed();
  }

  /** Remembered (email, occurrence) entries. */
  get size(): number {
    return this.table.size;
  }

  /**
   * Entries of an email's second row or later (the emails a re-import may have to hold), left
   * out those job `notSeenBy` (a number from `jobNumber`) already saw.
   */
  countRepeated(notSeenBy = 0): number {
    return this.table.countRepeated(notSeenBy);
  }

  get bytesUsed(): number {
    return this.table.bytesUsed;
  }

  get lastRunJob(): string | null {
    return this.header.lastRunJob;
  }

  entry(hashHigh: number, hashLow: number, occurrence: number): LedgerEntry | null {
    const ref = this.table.find(hashHigh, hashLow, occurrence);
    return ref === null ? null : this.table.get(ref);
  }

  /** The ledger remembers (email hash, occurrence). */
  has(hashHigh: number, hashLow: number, occurrence: number): boolean {
    return this.table.find(hashHigh, hashLow, occurrence) !== null;
  }

  /**
   * The occurrence is remembered with exactly `digest` (and did not fail): the number of the job
   * that wrote it (0 for none); null when it is not remembered or differs. Allocates nothing.
   */
  writerIfSame(
    hashHigh: number,
    hashLow: number,
    occurrence: number,
    digest: ContactDigest,
  ): number | null {
    const ref = this.table.find(hashHigh, hashLow, occurrence);
    return ref === null ? null : this.table.writerIfSame(ref, digest);
  }

  /** `writerIfSame` for a contact, digested on the way (no digest object made). */
  writerIfSameContact(
    hashHigh: number,
    hashLow: number,
    occurrence: number,
    contact: ContactProfile,
    emptyCells: 'clear' | 'keep',
  ): number | null {
    const ref = this.table.find(hashHigh, hashLow, occurrence);
    if (ref === null) return null;
    contactDigestWords(contact, emptyCells, words);
    return this.table.writerIfSameWords(ref, words);
  }

  /**
   * What the planner asks of an occurrence, without decoding it: -1 when it is not remembered,
   * else whether it failed and its job numbers in one number (`failed * 2^32 + seenBy * 2^16 +
   * writtenBy`), read with `stateFailed`, `stateSeenBy` and `stateWrittenBy`.
   */
  occurrenceState(hashHigh: number, hashLow: number, occurrence: number): number {
    const ref = this.table.find(hashHigh, hashLow, occurrence);
    if (ref === null) return -1;
    return this.table.packedState(ref);
  }

  /** The job an entry's job number refers to. */
  job(number: number): { id: string; startedAt: string } | null {
    return this.header.jobs[number - 1] ?? null;
  }

  /** The number entries use for `jobId` (registered when new). */
  jobNumber(jobId: string, startedAt: string): number {
    let number = this.jobNumbers.get(jobId);
    if (number === undefined) {
      this.header.jobs.push({ id: jobId, startedAt });
      number = this.header.jobs.length;
      if (number > 0xffff) throw new Error('The change ledger remembers too many imports.');
      this.jobNumbers.set(jobId, number);
      this.dirty = true;
    }
    return number;
  }

  /** A durable journal record of `jobId`: what it tells of its row's email occurrence. */
  apply(jobId: string, startedAt: string, record: LedgerRecord): void {
    const job = this.jobNumber(jobId, startedAt);
    const { note, outcome } = record;
    const ref = this.table.find(note.hashHigh, note.hashLow, note.occurrence);
    const before = ref === null ? null : this.table.get(ref);
    const zero = { high: 0, low: 0 };
    this.dirty = true;
    switch (outcome) {
      case 'created':
      case 'updated':
        if (!note.digest) return;
        this.table.put({
          ...noteKey(note),
          failed: false,
          seenBy: job,
          writtenBy: job,
          digest: note.digest,
        });
        return;
      case 'unchanged':
        if (ref !== null) this.table.markSeen(ref, job);
        else if (note.digest)
          this.table.put({
            ...noteKey(note),
            failed: false,
            seenBy: job,
            writtenBy: 0,
            digest: note.digest,
          });
        return;
      case 'failed':
        // What Crisp holds for this email is not known any more: never take it as unchanged.
        this.table.put({
          ...noteKey(note),
          failed: true,
          seenBy: job,
          writtenBy: job,
          digest: note.digest ?? before?.digest ?? { profile: zero, segments: zero, data: zero },
        });
        return;
    }
  }

  /**
   * `jobId` read its whole file: occurrences of an email past the last one it saw (left from an
   * older import with more rows for that email) are dropped.
   */
  sweep(jobId: string): void {
    const job = this.jobNumbers.get(jobId);
    if (job === undefined) return;
    const stale: LedgerEntry[] = [];
    for (const ref of this.table.refs()) {
      const entry = this.table.get(ref);
      if (entry.seenBy === job || entry.occurrence < 2) continue;
      const previous = this.table.find(entry.hashHigh, entry.hashLow, entry.occurrence - 1);
      if (previous !== null && this.table.seenBy(previous) === job) stale.push(entry);
    }
    for (const first of stale) {
      for (let k = first.occurrence; k <= 255; k += 1) {
        const ref = this.table.find(first.hashHigh, first.hashLow, k);
        if (ref === null) break;
        this.table.delete(ref);
      }
      this.dirty = true;
    }
  }

  /** Folds the journal's records since the last save (and sweeps a completed job once). */
  async fold(journal: LedgerJournalSource): Promise<void> {
    const folded = this.header.folded[journal.jobId];
    const size = await journal.size();
    let from = folded && folded.bytes <= size ? folded.bytes : 0;
    if (from < size) {
      const records = journal.read(from);
      for (;;) {
        const next = await records.next();
        if (next.done) {
          from = next.value;
          break;
        }
        this.apply(journal.jobId, journal.startedAt, next.value);
      }
      this.dirty = true;
    }
    const swept = folded?.swept === true && from === folded.bytes;
    if (journal.completed && !swept) {
      this.sweep(journal.jobId);
      this.dirty = true;
    }
    this.header.folded[journal.jobId] = { bytes: from, swept: journal.completed };
    if (!folded || folded.bytes !== from) this.dirty = true;
  }

  /** A run of `jobId` begins sending: it is the last to write to this website. */
  async beginRun(jobId: string, startedAt: string): Promise<void> {
    this.jobNumber(jobId, startedAt);
    if (this.header.lastRunJob === jobId) return;
    this.header.lastRunJob = jobId;
    this.dirty = true;
    await this.saveHeader();
  }

  /**
   * Writes the table to a new entries file, then the header that names it (with `folded`
   * positions that the table includes), then removes entries files older than the previous one.
   */
  async save(folded?: { jobId: string; bytes: number; completed: boolean }): Promise<void> {
    if (!this.writable) return;
    if (folded) {
      const before = this.header.folded[folded.jobId];
      if (folded.completed && !before?.swept) this.sweep(folded.jobId);
      this.header.folded[folded.jobId] = { bytes: folded.bytes, swept: folded.completed };
      this.dirty = true;
    }
    if (!this.dirty) return;
    this.pruneJobs();
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const previous = this.header.entriesFile;
    let entriesFile: string | null = null;
    let entries = 0;
    if (this.table.size > 0) {
      entriesFile = `entries-${Date.now()}-${randomBytes(3).toString('hex')}.bin`;
      const handle = await open(join(this.dir, entriesFile), 'wx', 0o600);
      try {
        await handle.write(MAGIC);
        for (const chunk of this.table.sortedChunks()) {
          await handle.write(chunk);
          entries += chunk.length / ENTRY_BYTES;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    this.header = { ...this.header, entriesFile, entries };
    await this.saveHeader();
    this.dirty = false;
    await removeOldEntriesFiles(this.dir, [entriesFile, previous]);
  }

  private async saveHeader(): Promise<void> {
    if (!this.writable) return;
    await writeJsonFileAtomic(join(this.dir, 'ledger.json'), this.header);
  }

  /** Forgets jobs no entry refers to any more (and renumbers the others). */
  private pruneJobs(): void {
    const used = new Set<number>();
    for (const ref of this.table.refs()) {
      const entry = this.table.get(ref);
      used.add(entry.seenBy);
      used.add(entry.writtenBy);
    }
    const lastRun = this.header.lastRunJob;
    const keep = this.header.jobs
      .map((job, index) => ({ job, number: index + 1 }))
      .filter(({ job, number }) => used.has(number) || job.id === lastRun);
    if (keep.length === this.header.jobs.length) return;
    const renumber = new Map<number, number>([[0, 0]]);
    keep.forEach(({ number }, index) => renumber.set(number, index + 1));
    this.table.remapJobs((number) => renumber.get(number) ?? 0);
    this.header.jobs = keep.map(({ job }) => job);
    this.jobNumbers.clear();
    this.header.jobs.forEach((job, index) => this.jobNumbers.set(job.id, index + 1));
  }
}

/** The parts of an `occurrenceState` (not -1). */
export function stateFailed(state: number): boolean {
  return state >= 0x100000000;
}
export function stateSeenBy(state: number): number {
  return Math.floor(state / 0x10000) & 0xffff;
}
export function stateWrittenBy(state: number): number {
  return state % 0x10000;
}

/** Some journal holds records the header does not count as folded (or a sweep is due). */
async function needsFolding(
  header: LedgerHeader,
  journals: readonly LedgerJournalSource[],
): Promise<boolean> {
  for (const journal of journals) {
    const folded = header.folded[journal.jobId];
    const size = await journal.size();
    const from = folded && folded.bytes <= size ? folded.bytes : 0;
    if (from < size) return true;
    if (journal.completed && folded?.swept !== true) return true;
  }
  return false;
}

/** One entry of a ledger file (32 bytes at `at`) into the summary; false when out of order. */
function addToSummary(
  summary: LedgerSummary,
  bytes: Uint8Array,
  view: DataView,
  at: number,
): boolean {
  const flags = bytes[at + 9]!;
  if ((flags & ENTRY_DELETED) !== 0) return true;
  const failed = (flags & ENTRY_FAILED) !== 0;
  const digest = failed
    ? 0
    : combinedDigest(
        view.getUint16(at + 14, true),
        view.getUint32(at + 16, true),
        view.getUint16(at + 20, true),
        view.getUint32(at + 22, true),
        view.getUint16(at + 26, true),
        view.getUint32(at + 28, true),
      );
  return summary.add(
    view.getUint32(at, true),
    view.getUint32(at + 4, true),
    bytes[at + 8]!,
    view.getUint16(at + 12, true),
    digest,
  );
}

/** An entries file streamed into a summary, one block at a time (an empty one if it is bad). */
async function summarizeEntriesFile(path: string, header: LedgerHeader): Promise<LedgerSummary> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size !== MAGIC.length + header.entries * ENTRY_BYTES) return LedgerSummary.empty();
    const magic = Buffer.alloc(MAGIC.length);
    await handle.read(magic, 0, MAGIC.length, 0);
    if (!magic.equals(MAGIC)) return LedgerSummary.empty();
    const summary = new LedgerSummary(header.entries, header.jobs);
    const block = Buffer.alloc(SUMMARY_BLOCK_ENTRIES * ENTRY_BYTES);
    const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
    let position = MAGIC.length;
    while (position < size) {
      const wanted = Math.min(block.length, size - position);
      let filled = 0;
      while (filled < wanted) {
        const { bytesRead } = await handle.read(block, filled, wanted - filled, position + filled);
        if (bytesRead === 0) return LedgerSummary.empty(); // the file shrank under us
        filled += bytesRead;
      }
      for (let at = 0; at < filled; at += ENTRY_BYTES) {
        if (!addToSummary(summary, block, view, at)) return LedgerSummary.empty();
      }
      position += filled;
    }
    return summary.sealed();
  } finally {
    await handle.close();
  }
}

function noteKey(note: LedgerNote): { hashHigh: number; hashLow: number; occurrence: number } {
  return { hashHigh: note.hashHigh, hashLow: note.hashLow, occurrence: note.occurrence };
}

export function normalizeApiUrl(apiUrl: string): string {
  return apiUrl.trim().replace(/\/+$/, '').toLowerCase();
}

async function loadLedger(
  dir: string,
  options: ChangeLedgerOptions,
): Promise<{ header: LedgerHeader; table: LedgerTable }> {
  const empty = (): { header: LedgerHeader; table: LedgerTable } => ({
    header: {
      version: 1,
      websiteId: options.websiteId,
      apiUrl: normalizeApiUrl(options.apiUrl),
      entriesFile: null,
      entries: 0,
      jobs: [],
      folded: {},
      lastRunJob: null,
    },
    table: new LedgerTable(),
  });
  const read = await readJsonFile(join(dir, 'ledger.json'), LedgerHeader);
  if (!read.ok) return empty();
  const header = read.value;
  if (!header.entriesFile) return { header, table: new LedgerTable() };
  try {
    const bytes = await readFile(join(dir, header.entriesFile));
    if (
      bytes.length < MAGIC.length ||
      !bytes.subarray(0, MAGIC.length).equals(MAGIC) ||
      (bytes.length - MAGIC.length) / ENTRY_BYTES !== header.entries
    ) {
      return empty();
    }
    return { header, table: new LedgerTable(bytes.subarray(MAGIC.length)) };
  } catch {
    // A ledger that cannot be read is rebuilt from nothing: rows are sent again, never skipped
    // wrongly.
    return empty();
  }
}

async function removeOldEntriesFiles(dir: string, keep: Array<string | null>): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (/^entries-.*\.bin$/.test(name) && !keep.includes(name)) {
      await rm(join(dir, name), { force: true }).catch(() => undefined);
    }
  }
}
