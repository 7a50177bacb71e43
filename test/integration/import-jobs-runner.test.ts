// The run loop with a simple line reader and an in-memory sender standing in for Crisp: pause,
// resume, a crash at a random instant (the job folder copied as it is on disk at that instant),
// a changed file, quota waits, one sender per website. The real reader, mapper and HTTP sender are
// exercised end to end in cli-run and reliability tests.
import { cpSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContactProfile } from '../../src/shared/contact-profile';
import {
  createImportJob,
  FileChangedError,
  ImportJobRunner,
  ImportJobStore,
  readJournalRows,
  type ImportJobParts,
  type ImportJobStateEvent,
  type JobContactSender,
  type SenderCondition,
  type SendOutcome,
  type SourceRecord,
} from '../../src/main/engine/import-jobs';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'import-jobs-runner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const WEBSITE = '8c842203-7ed8-4e29-a608-7cf78a7d2fcc';

async function writeContacts(rows: number, name = 'contacts.csv'): Promise<string> {
  const lines = ['email'];
  for (let i = 0; i < rows; i++) {
    if (i % 50 === 7) lines.push(`not-an-email-${i}`);
    else if (i % 50 === 9) lines.push(`=HYPERLINK("x")-${i}`);
    else lines.push(`person${i % 900}@example.com`); // some emails appear twice
  }
  const path = join(dir, name);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

/** Reads `email` lines with their byte offsets; row 1 is the header. */
function lineSource(path: string): ImportJobParts['openSource'] {
  return () => ({
    async *read(start, signal) {
      const bytes = readFileSync(path);
      let offset = start.offset;
      let row = start.row;
      let batch: SourceRecord[] = [];
      while (offset < bytes.length) {
        if (signal.aborted) return;
        const nl = bytes.indexOf(0x0a, offset);
        const end = nl < 0 ? bytes.length : nl;
        batch.push({ row, offset, fields: [bytes.toString('utf8', offset, end)], issues: [] });
        offset = end + 1;
        row++;
        if (batch.length === 64) {
          yield batch;
          batch = [];
          await new Promise((r) => setImmediate(r));
        }
      }
      if (batch.length) yield batch;
    },
  });
}

function contact(email: string): ContactProfile {
  return {
    email,
    nickname: email,
    nicknameSource: 'email',
    person: {},
    company: {},
    segments: [],
    data: {},
    clearedDataKeys: [],
  };
}

class MemorySender implements JobContactSender {
  sentEmails: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  private listeners = new Set<(c: SenderCondition) => void>();
  private current: SenderCondition = { state: 'sending' };
  private gate: Promise<void> = Promise.resolve();
  private openGate: () => void = () => undefined;
  afterSend: ((sent: number) => void) | null = null;
  constructor(
    private readonly known = new Set<string>(),
    private readonly delayMs = () => Math.random() * 3,
    readonly log?: string[],
  ) {}
  async send(c: ContactProfile, signal: AbortSignal): Promise<SendOutcome> {
    await this.gate;
    if (signal.aborted) throw new Error('aborted');
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    this.log?.push(`start ${c.email}`);
    await new Promise((r) => setTimeout(r, this.delayMs()));
    this.inFlight--;
    this.sentEmails.push(c.email);
    this.afterSend?.(this.sentEmails.length);
    if (c.email.includes('hyperlink')) {
      return {
        kind: 'failed',
        reason: 'Crisp refused the email: -invalid',
        retryable: false,
        requests: 1,
      };
    }
    const existed = this.known.has(c.email);
    this.known.add(c.email);
    return {
      kind: existed ? 'updated' : 'created',
      peopleId: `id-${c.email}`,
      requests: existed ? 2 : 1,
    };
  }
  condition(): SenderCondition {
    return this.current;
  }
  onCondition(l: (c: SenderCondition) => void): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }
  quota() {
    return { left: 1000, requestsPerDay: 10000, resetsAt: null };
  }
  async close(): Promise<void> {}
  setCondition(c: SenderCondition): void {
    this.current = c;
    if (c.state === 'sending') this.openGate();
    else this.gate = new Promise((r) => (this.openGate = r));
    for (const l of this.listeners) l(c);
  }
}

function parts(path: string, sender: JobContactSender): ImportJobParts {
  return {
    openSource: lineSource(path),
    compileMapper: () => ({
      mapRow(fields, row) {
        const email = (fields[0] ?? '').trim().toLowerCase();
        if (!/^[^@\s]+@[^@\s]+$/.test(email) && !email.startsWith('=')) {
          return {
            contact: null,
            issues: [
              {
                row,
                column: 'email',
                severity: 'error',
                code: 'email_invalid',
                message: `"${email}" is not an email address.`,
              },
            ],
          };
        }
        return { contact: contact(email), issues: [] };
      },
    }),
    createSender: async () => sender,
  };
}

async function newJob(store: ImportJobStore, path: string, websiteId = WEBSITE) {
  return createImportJob(store, {
    filePath: path,
    layout: {
      format: { encoding: 'utf-8', delimiter: ',', header: true },
      headers: ['email'],
      dataStartOffset: 6,
      dataStartRow: 2,
    },
    mapping: {
      version: 1,
      columns: [{ column: 'email', index: 0, target: { kind: 'field', field: 'email' } }],
      emptyCells: 'clear',
      extraSegments: [],
    },
    websiteId,
    apiUrl: 'http://127.0.0.1:1',
  });
}

async function journalRows(store: ImportJobStore, id: string) {
  const rows: number[] = [];
  for await (const r of readJournalRows(store.paths(id).journal)) rows.push(r.row);
  return rows;
}

function expectEachRowOnce(rows: number[], total: number): void {
  expect(rows.length).toBe(total);
  expect(new Set(rows).size).toBe(total);
  expect(Math.min(...rows)).toBe(2);
  expect(Math.max(...rows)).toBe(total + 1);
}

describe('import job runner', () => {
  it('runs a job to the end and writes the summary and the failed rows, neutralized', async () => {
    const path = await writeContacts(1000);
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, path);
    const sender = new MemorySender();
    const runner = new ImportJobRunner({
      store,
      jobId: job.id,
      parts: parts(path, sender),
      maxInFlight: 8,
    });
    const states: string[] = [];
    runner.on('state', (e) => states.push(e.state));
    const done = await runner.run();
    expect(done.state).toBe('completed');
    expect(states).toContain('running');
    expect(done.counters).toMatchObject({ read: 1000, skipped: 20, failed: 20 });
    expect(done.counters.created + done.counters.updated).toBe(960);
    expect(sender.maxInFlight).toBeLessThanOrEqual(8);
    expectEachRowOnce(await journalRows(store, job.id), 1000);
    const summary = JSON.parse(await readFile(store.paths(job.id).summary, 'utf8'));
    expect(summary).toMatchObject({
      state: 'completed',
      rows: 1000,
      skipped: 20,
      failed: 20,
      skippedByCode: { email_invalid: 20 },
    });
    const csv = await readFile(summary.failedRowsFile, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('email,row,outcome,reason');
    expect(lines).toHaveLength(41);
    expect(lines).toContain(
      'not-an-email-7,9,skipped,"email: ""not-an-email-7"" is not an email address."',
    );
    expect(lines.find((l) => l.includes('HYPERLINK'))).toMatch(
      /^"'=HYPERLINK\(""x""\)-9",11,failed,Crisp refused/,
    );
  });

  it('pauses, then resumes where it stopped without sending a recorded row again', async () => {
    const path = await writeContacts(3000);
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, path);
    const first = new MemorySender();
    // One row per send (no read-ahead window merging repeated emails): the pause lands mid-file.
    const runner = new ImportJobRunner({
      store,
      jobId: job.id,
      parts: parts(path, first),
      windowRows: 1,
    });
    first.afterSend = (n) => {
      if (n === 1200) void runner.pause();
    };
    const paused = await runner.run();
    expect(paused.state).toBe('paused');
    const recorded = await journalRows(store, job.id);
    expect(recorded.length).toBeGreaterThan(1200);
    expect(recorded.length).toBeLessThan(3000);
    expect(paused.counters.read).toBe(recorded.length);

    const second = new MemorySender();
    const log: string[] = [];
    const again = new ImportJobRunner({ store, jobId: job.id, parts: parts(path, second) });
    again.on('notice', (n) => log.push(n));
    const done = await again.run();
    expect(done.state).toBe('completed');
    expect(log.join(' ')).toMatch(/Resuming import .* at row \d+/);
    expectEachRowOnce(await journalRows(store, job.id), 3000);
    expect(done.counters.read).toBe(3000);
    // rows of the first run are not sent again (the emails of rows done only in run 1)
    expect(first.sentEmails.length + second.sentEmails.length).toBeLessThanOrEqual(2960 + 40);
  });

  it('after a crash at a random instant, resumes from the files as they were and accounts for every row once', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const path = await writeContacts(2000, `c${attempt}.csv`);
      const state = join(dir, `state${attempt}`);
      const store = new ImportJobStore(state);
      const job = await newJob(store, path);
      const crashAt = 200 + Math.floor(Math.random() * 1500);
      const copy = join(dir, `crash${attempt}`);
      let copied = false;
      const sender = new MemorySender();
      const runner = new ImportJobRunner({
        store,
        jobId: job.id,
        parts: parts(path, sender),
        windowRows: 1,
      });
      const copyNow = (read: number): void => {
        if (!copied && read >= crashAt) {
          copied = true;
          cpSync(state, copy, { recursive: true }); // the disk as a kill -9 would leave it
        }
      };
      sender.afterSend = (n) => copyNow(n);
      await runner.run();
      expect(copied).toBe(true);
      const crashed = new ImportJobStore(copy);
      const before = new Set(await journalRows(crashed, job.id));
      const resumed = await new ImportJobRunner({
        store: crashed,
        jobId: job.id,
        parts: parts(path, new MemorySender()),
      }).run();
      expect(resumed.state).toBe('completed');
      const rows = await journalRows(crashed, job.id);
      expectEachRowOnce(rows, 2000);
      const after = rows.filter((r) => !before.has(r));
      expect(after.length).toBe(2000 - before.size);
      expect(resumed.counters.read).toBe(2000);
    }
  });

  it('refuses to resume when the file changed, and says how to start again', async () => {
    const path = await writeContacts(100);
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, path);
    await writeFile(path, (await readFile(path, 'utf8')) + 'late@example.com\n');
    const runner = new ImportJobRunner({
      store,
      jobId: job.id,
      parts: parts(path, new MemorySender()),
    });
    const error = await runner.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileChangedError);
    expect((error as Error).message).toMatch(/changed since import .* size went from .* --restart/);
    const touched = await writeContacts(100, 'touched.csv');
    const job2 = await newJob(store, touched);
    await utimes(touched, new Date(), new Date(Date.now() + 60_000));
    await expect(
      new ImportJobRunner({
        store,
        jobId: job2.id,
        parts: parts(touched, new MemorySender()),
      }).run(),
    ).rejects.toThrow(/modified on/);
  });

  it('waits for the quota, shows when it continues, and goes on by itself', async () => {
    const path = await writeContacts(600);
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, path);
    const sender = new MemorySender();
    const events: ImportJobStateEvent[] = [];
    const runner = new ImportJobRunner({ store, jobId: job.id, parts: parts(path, sender) });
    runner.on('state', (e) => events.push(e));
    sender.afterSend = (n) => {
      if (n === 200) {
        const resumesAt = new Date(Date.now() + 300);
        sender.setCondition({
          state: 'waiting_for_quota',
          resumesAt,
          message: 'The daily quota is spent.',
        });
        setTimeout(() => sender.setCondition({ state: 'sending' }), 300);
      }
    };
    const done = await runner.run();
    expect(done.state).toBe('completed');
    const waiting = events.find((e) => e.state === 'waiting_for_quota');
    expect(waiting?.waitingUntil).toBeTruthy();
    expect(events.map((e) => e.state)).toEqual(
      expect.arrayContaining(['waiting_for_quota', 'running', 'completed']),
    );
    expectEachRowOnce(await journalRows(store, job.id), 600);
  });

  it('ends the run in the waiting state when asked not to wait (the CLI --exit-on-wait)', async () => {
    const path = await writeContacts(600);
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, path);
    const sender = new MemorySender();
    const runner = new ImportJobRunner({
      store,
      jobId: job.id,
      parts: parts(path, sender),
      stopWhenWaiting: true,
      stopGraceMs: 50,
    });
    sender.afterSend = (n) => {
      if (n === 100)
        sender.setCondition({ state: 'waiting_for_connection', message: 'Crisp refused the key.' });
    };
    const stopped = await runner.run();
    expect(stopped.state).toBe('waiting_for_connection');
    expect(stopped.stateMessage).toMatch(/refused the key/);
    const failures: string[] = [];
    for await (const r of readJournalRows(store.paths(job.id).journal))
      if (r.outcome === 'failed') failures.push(r.reason);
    expect(failures.every((f) => f.startsWith('Crisp refused the email'))).toBe(true);
    const resumed = await new ImportJobRunner({
      store,
      jobId: job.id,
      parts: parts(path, new MemorySender()),
    }).run();
    expect(resumed.state).toBe('completed');
    expectEachRowOnce(await journalRows(store, job.id), 600);
  });

  it('cancels and keeps what was done, saying so', async () => {
    const path = await writeContacts(2000);
    const store = new ImportJobStore(join(dir, 'state'));
    const job = await newJob(store, path);
    const sender = new MemorySender();
    const runner = new ImportJobRunner({ store, jobId: job.id, parts: parts(path, sender) });
    sender.afterSend = (n) => {
      if (n === 300) void runner.cancel();
    };
    const cancelled = await runner.run();
    expect(cancelled.state).toBe('cancelled');
    expect(cancelled.stateMessage).toMatch(/What was done stays done: \d+ created/);
    await expect(
      new ImportJobRunner({ store, jobId: job.id, parts: parts(path, new MemorySender()) }).run(),
    ).rejects.toThrow(/cannot become/);
  });

  it('sends for one job at a time per website; the second waits its turn', async () => {
    const a = await writeContacts(500, 'a.csv');
    const b = await writeContacts(500, 'b.csv');
    const store = new ImportJobStore(join(dir, 'state'));
    const jobA = await newJob(store, a);
    const jobB = await newJob(store, b);
    const log: string[] = [];
    const runA = new ImportJobRunner({
      store,
      jobId: jobA.id,
      parts: parts(a, new MemorySender(new Set(), () => 2, log)),
      lockPollMs: 20,
      maxInFlight: 2,
    });
    const runB = new ImportJobRunner({
      store,
      jobId: jobB.id,
      parts: parts(b, new MemorySender(new Set(), () => 1, log)),
      lockPollMs: 20,
    });
    const messages: string[] = [];
    runB.on('state', (e) => e.message && messages.push(e.message));
    const pa = runA.run();
    await new Promise((r) => setTimeout(r, 30));
    const pb = runB.run();
    const [da, db] = await Promise.all([pa, pb]);
    expect(da.state).toBe('completed');
    expect(db.state).toBe('completed');
    expect(messages.join(' ')).toMatch(new RegExp(`Waiting for import ${jobA.id}`));
    expect(db.startedAt! >= da.finishedAt!.slice(0, 19)).toBe(true);
  });
});
