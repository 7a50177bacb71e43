// Waits that end by themselves, with the CLI as a real process: the daily quota spent mid-run
// (the job waits, the server's quota resets, the job finishes), the token revoked mid-run
// (the job waits for the connection, no row fails, and it finishes once the token works again),
// and the network lost mid-run (Crisp's server gone for seconds, then back on the same port: the
// job waits, no row fails, and it finishes by itself).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import type { ImportJobRecord } from '../../src/main/engine/import-jobs';
import { ImportJobStore, readJournalRows } from '../../src/main/engine/import-jobs';
import {
  comparableProfiles,
  spawnCli,
  writeContactsFile,
  type ContactsFile,
} from './reliability-support';

const ROWS = 2000;
let dir: string;
let file: ContactsFile;
let crisp: FakeCrisp;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reliability-waits-'));
  file = await writeContactsFile(dir, ROWS, 3);
});
const others: FakeCrisp[] = [];
afterEach(async () => {
  await Promise.all(others.splice(0).map((s) => s.close()));
  await crisp?.close();
  await rm(dir, { recursive: true, force: true });
});

function args(stateDir: string, server: FakeCrisp = crisp): string[] {
  return [
    'run',
    file.path,
    '--website',
    server.websiteId,
    '--api-url',
    server.url,
    '--state-dir',
    stateDir,
    '--daily-budget',
    '10000000',
    '--check-every',
    '1',
    '--initial-rate',
    '500',
  ];
}

/** The job's state as saved in job.json (what the app and `jobs` show). */
async function waitForJobState(
  stateDir: string,
  state: string,
  timeoutMs = 60_000,
): Promise<ImportJobRecord> {
  const store = new ImportJobStore(stateDir);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { jobs } = await store.list().catch(() => ({ jobs: [] as ImportJobRecord[] }));
    const job = jobs[0];
    if (job && job.state === state) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`The job never became ${state}`);
}

async function journalOutcomes(stateDir: string, jobId: string) {
  const store = new ImportJobStore(stateDir);
  const rows = new Set<number>();
  let failed = 0;
  for await (const r of readJournalRows(store.paths(jobId).journal)) {
    rows.add(r.row);
    if (r.outcome === 'failed') failed++;
  }
  return { rows: rows.size, failed };
}

describe('waits that end by themselves', () => {
  it('waits when the quota is spent mid-run and finishes after the server resets it', async () => {
    crisp = await startFakeCrisp({ dailyQuota: { limit: 1500 } });
    crisp.seedProfiles(file.existing);
    const stateDir = join(dir, 'state');
    const run = spawnCli(args(stateDir), crisp);
    const waiting = await waitForJobState(stateDir, 'waiting_for_quota');
    expect(waiting.waitingUntil).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(waiting.counters.failed).toBe(0);
    await new Promise((r) => setTimeout(r, 1500)); // it keeps waiting while the quota is spent
    expect(run.child.exitCode).toBeNull();
    crisp.configure({ dailyQuota: { limit: 1_000_000 } });
    crisp.resetQuota();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1); // completed; the broken emails were skipped
    expect(result.stdout).toMatch(/quota/i);
    expect(result.stdout).toMatch(/Sending again/);
    const job = await waitForJobState(stateDir, 'completed', 1000);
    expect(job.counters.read).toBe(ROWS);
    expect(job.counters.failed).toBe(0);
    expect(await journalOutcomes(stateDir, job.id)).toEqual({ rows: ROWS, failed: 0 });
  }, 120_000);

  it('pauses waiting for the connection when the token is revoked, fails no row, and finishes once restored', async () => {
    crisp = await startFakeCrisp({});
    crisp.seedProfiles(file.existing);
    const stateDir = join(dir, 'state');
    let requests = 0;
    crisp.onRequest(() => {
      requests++;
      if (requests === 800) crisp.revokeToken();
    });
    const run = spawnCli(args(stateDir), crisp);
    const waiting = await waitForJobState(stateDir, 'waiting_for_connection');
    expect(waiting.stateMessage).toBeTruthy();
    expect(waiting.counters.failed).toBe(0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(run.child.exitCode).toBeNull();
    crisp.restoreToken();
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    const job = await waitForJobState(stateDir, 'completed', 1000);
    expect(job.counters).toMatchObject({ read: ROWS, failed: 0 });
    expect(await journalOutcomes(stateDir, job.id)).toEqual({ rows: ROWS, failed: 0 });
    const log = await readFile(new ImportJobStore(stateDir).paths(job.id).log, 'utf8');
    expect(log).toMatch(/Sending again/);
    expect(log).not.toContain(crisp.token.key);
  }, 120_000);

  it('waits for the connection when the network is lost mid-run, fails no row, and finishes by itself when it is back', async () => {
    // What an uninterrupted run leaves in Crisp (run beside the one that loses its network).
    const reference = await startFakeCrisp({});
    others.push(reference);
    reference.seedProfiles(file.existing);
    const referenceRun = spawnCli(args(join(dir, 'reference-state'), reference), reference);

    const first = await startFakeCrisp({});
    crisp = first;
    first.seedProfiles(file.existing);
    const stateDir = join(dir, 'state');
    let requests = 0;
    let gone: Promise<void> | null = null;
    first.onRequest(() => {
      if (++requests === 800) gone = first.close();
    });
    const run = spawnCli(args(stateDir), first);
    const waiting = await waitForJobState(stateDir, 'waiting_for_connection');
    expect(waiting.stateMessage).toMatch(
      /^Crisp cannot be reached: no network\. The import continues by itself/,
    );
    expect(waiting.problem?.code).toBe('network_unreachable');
    expect(waiting.counters.failed).toBe(0);
    await gone;
    await new Promise((r) => setTimeout(r, 2500)); // the network stays away for a while
    expect(run.child.exitCode).toBeNull();

    // The same Crisp comes back on the same port, holding what it held.
    const port = Number(new URL(first.url).port);
    const back = await startFakeCrisp(
      { websiteId: first.websiteId, tokens: [first.token] },
      { port },
    );
    others.push(back);
    back.seedProfiles(first.listProfiles());
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1); // completed; the broken emails were skipped
    expect(result.stdout).toMatch(/Crisp cannot be reached/);
    expect(result.stdout).toMatch(/Sending again/);
    const job = await waitForJobState(stateDir, 'completed', 1000);
    expect(job.counters).toMatchObject({ read: ROWS, failed: 0 });
    expect(job.problem).toBeNull();
    expect(await journalOutcomes(stateDir, job.id)).toEqual({ rows: ROWS, failed: 0 });

    const referenceResult = await referenceRun.done;
    expect(referenceResult.code, referenceResult.stderr).toBe(1);
    expect(comparableProfiles(back)).toEqual(comparableProfiles(reference));
  }, 120_000);
});
