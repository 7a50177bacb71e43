// kill -9 at 20 random moments of a 20,000-row import (duplicates, existing contacts, segments,
// custom data), resuming after each, first on a clean server, then (6,000 rows) under faults (5xx, resets,
// 429 bursts, answers slower than the client's timeout). The final profiles must equal those of an
// uninterrupted run, and the journal and summary must account for every row exactly once.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { ImportJobStore, readJournalRows } from '../../src/main/engine/import-jobs';
import {
  comparableProfiles,
  seededRandom,
  spawnCli,
  writeContactsFile,
  type ContactsFile,
} from './reliability-support';

const ROWS = 20_000;
/** The run under faults is slower (retries, timeouts): a smaller file of the same kinds. */
const FAULT_ROWS = 6_000;
const KILLS = 20;

let dir: string;
let file: ContactsFile;
let reference: Record<string, unknown>;

function runArgs(
  crisp: FakeCrisp,
  stateDir: string,
  extra: string[] = [],
  contacts: ContactsFile = file,
): string[] {
  return [
    'run',
    contacts.path,
    '--website',
    crisp.websiteId,
    '--api-url',
    crisp.url,
    '--state-dir',
    stateDir,
    '--json',
    '--daily-budget',
    '10000000',
    '--initial-rate',
    '2000',
    ...extra,
  ];
}

/** The profiles an uninterrupted run on a clean server leaves. */
async function uninterrupted(
  contacts: ContactsFile,
  rows: number,
): Promise<Record<string, unknown>> {
  const crisp = await startFakeCrisp({});
  try {
    crisp.seedProfiles(contacts.existing);
    const stateDir = await mkdtemp(join(dir, 'reference-state-'));
    const run = spawnCli(runArgs(crisp, stateDir, [], contacts), crisp);
    const result = await run.done;
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ state: 'completed', rows, failed: 0 });
    return comparableProfiles(crisp);
  } finally {
    await crisp.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reliability-kill-'));
  file = await writeContactsFile(dir, ROWS, 11);
  reference = await uninterrupted(file, ROWS);
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function killAndResume(
  crisp: FakeCrisp,
  stateDir: string,
  seed: number,
  extra: string[] = [],
  contacts: ContactsFile = file,
): Promise<{ final: Record<string, unknown>; resumedAtRows: number[] }> {
  const rows = contacts.rows;
  const random = seededRandom(seed);
  const resumedAtRows: number[] = [];
  let finished: Awaited<ReturnType<typeof spawnCli>['done']> | null = null;
  for (let kill = 0; kill < KILLS; kill++) {
    const run = spawnCli(runArgs(crisp, stateDir, extra, contacts), crisp);
    // Most kills land while requests are flowing (after a random number of them), some at a
    // random instant from the start (while starting, opening the journal, seeking).
    let requests = 0;
    const byRequests = random() < 0.8;
    const threshold = 100 + Math.floor(random() * Math.min(2200, rows / 3));
    let timer: NodeJS.Timeout | null = null;
    const stop = crisp.onRequest(() => {
      requests++;
      if (byRequests && requests === threshold) run.child.kill('SIGKILL');
    });
    if (!byRequests) timer = setTimeout(() => run.child.kill('SIGKILL'), 100 + random() * 1500);
    const result = await run.done;
    stop();
    if (timer) clearTimeout(timer);
    if (result.signal !== 'SIGKILL') {
      // It finished before the kill: the import is done.
      expect(result.code, result.stderr).toBe(1);
      finished = result;
      break;
    }
  }
  // (Run again once the import completed, the same command would send nothing and exit 4.)
  const last = finished ?? (await spawnCli(runArgs(crisp, stateDir, extra, contacts), crisp).done);
  expect(last.code, last.stderr).toBe(1); // completed, with the broken-email rows skipped
  const out = JSON.parse(last.stdout);
  expect(out).toMatchObject({ state: 'completed', rows: rows, failed: 0 });
  expect(out.created + out.updated + out.skipped + out.failed).toBe(rows);

  // The journal holds exactly one outcome for each data row (rows 2..rows+1), and the summary agrees.
  const store = new ImportJobStore(stateDir);
  const seen = new Map<number, number>();
  for await (const r of readJournalRows(store.paths(out.job).journal)) {
    seen.set(r.row, (seen.get(r.row) ?? 0) + 1);
  }
  expect(seen.size).toBe(rows);
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  for (let row = 2; row <= rows + 1; row++) expect(seen.has(row)).toBe(true);
  const summary = JSON.parse(await readFile(out.summaryFile, 'utf8'));
  expect(summary).toMatchObject({
    rows: rows,
    created: out.created,
    updated: out.updated,
    skipped: out.skipped,
  });
  const { jobs } = await store.list();
  expect(jobs).toHaveLength(1); // every run resumed the same job
  const log = await readFile(store.paths(out.job).log, 'utf8');
  for (const m of log.matchAll(/Resuming import \S+ at row (\d+) \(byte (\d+)\)/g)) {
    resumedAtRows.push(Number(m[1]));
  }
  return { final: comparableProfiles(crisp), resumedAtRows };
}

describe('kill -9 and resume', () => {
  it('20 kills of a 20,000-row import end with the profiles of an uninterrupted run', async () => {
    const crisp = await startFakeCrisp({});
    try {
      crisp.seedProfiles(file.existing);
      const { final, resumedAtRows } = await killAndResume(crisp, join(dir, 'kill-state'), 101);
      expect(Object.keys(final).length).toBe(Object.keys(reference).length);
      expect(final).toEqual(reference);
      // each resume started further on (it seeks; it does not start over)
      expect(resumedAtRows.length).toBeGreaterThan(5);
      for (let i = 1; i < resumedAtRows.length; i++) {
        expect(resumedAtRows[i]!).toBeGreaterThanOrEqual(resumedAtRows[i - 1]!);
      }
      // What the killed runs wrote is remembered (the journals are the change ledger's log):
      // importing the same file again (--restart: the same command on a completed import sends
      // nothing by itself), itself killed twice on the way, sends nothing.
      const stateDir = join(dir, 'kill-state');
      const before = crisp.requestLog().length;
      const random = seededRandom(303);
      for (let kill = 0; kill < 2; kill++) {
        const run = spawnCli(runArgs(crisp, stateDir, ['--restart']), crisp);
        const timer = setTimeout(() => run.child.kill('SIGKILL'), 300 + random() * 900);
        await run.done;
        clearTimeout(timer);
      }
      const again = await spawnCli(runArgs(crisp, stateDir, ['--restart']), crisp).done;
      const out = JSON.parse(again.stdout);
      expect(out).toMatchObject({ state: 'completed', created: 0, updated: 0, failed: 0 });
      expect(out.unchanged + out.skipped).toBe(ROWS);
      expect(crisp.requestLog().length - before).toBeLessThanOrEqual(ROWS * 0.01);
      expect(comparableProfiles(crisp)).toEqual(reference);
    } finally {
      await crisp.close();
    }
  }, 300_000);

  it('the same (6,000 rows) under faults: 5% 5xx, 2% resets, 429 bursts, answers past the timeout', async () => {
    const crisp = await startFakeCrisp({
      faults: {
        serverErrorRate: 0.05,
        connectionResetRate: 0.02,
        slowRate: 0.005,
        slowMs: 1500,
        seed: 5,
      },
    });
    // 429 bursts: a per-route limit far below the client's starting pace, answered 429 and 420 in
    // turn without Retry-After: starts meet a burst until the client slows down. 100/s, not 250/s:
    // under these faults the client's own pace is near 250/s, which met 8 limits in 12,000
    // requests, or none (the assertion below failed in 2 of 4 runs); 100/s meets about 150.
    crisp.configure({ rateLimit: { perSecond: 100, status: 'alternate', retryAfter: 'none' } });
    try {
      const contacts = await writeContactsFile(dir, FAULT_ROWS, 13);
      const expected = await uninterrupted(contacts, FAULT_ROWS);
      crisp.seedProfiles(contacts.existing);
      const { final } = await killAndResume(
        crisp,
        join(dir, 'fault-state'),
        202,
        ['--timeout', '1000'],
        contacts,
      );
      expect(Object.keys(final).length).toBe(Object.keys(expected).length);
      expect(final).toEqual(expected);
      const log = crisp.requestLog();
      expect(log.some((e) => e.status >= 500)).toBe(true);
      expect(log.some((e) => e.outcome === 'reset')).toBe(true);
      expect(log.some((e) => e.status === 429 || e.status === 420)).toBe(true);
      expect(log.some((e) => e.outcome === 'slow')).toBe(true);
    } finally {
      await crisp.close();
    }
  }, 400_000);
});
