// A Crisp outage with the CLI as a real process: mid-run, the fake Crisp server answers every
// request with an HTML 5xx for 8 seconds. The job waits for the connection (problem
// 'crisp_unavailable') instead of failing rows, checks now and then, and finishes by itself with
// the profiles of an uninterrupted run, at the cost of a bounded number of requests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  ImportJobStore,
  readJournalRows,
  type ImportJobRecord,
} from '../../src/main/engine/import-jobs';
import {
  comparableProfiles,
  spawnCli,
  writeContactsFile,
  type ContactsFile,
} from './reliability-support';

const ROWS = 1500;
const OUTAGE_MS = 8_000;
let dir: string;
let file: ContactsFile;
const servers: FakeCrisp[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reliability-outage-'));
  file = await writeContactsFile(dir, ROWS, 5);
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function server(): Promise<FakeCrisp> {
  const crisp = await startFakeCrisp({});
  servers.push(crisp);
  crisp.seedProfiles(file.existing);
  return crisp;
}

function run(crisp: FakeCrisp, stateDir: string) {
  return spawnCli(
    [
      'run',
      file.path,
      '--website',
      crisp.websiteId,
      '--api-url',
      crisp.url,
      '--state-dir',
      stateDir,
      '--daily-budget',
      '10000000',
      '--check-every',
      '1',
      '--initial-rate',
      '500',
    ],
    crisp,
  );
}

/** The job's state as saved in job.json (what the app and `jobs` show). */
async function waitForJob(
  stateDir: string,
  test: (job: ImportJobRecord) => boolean,
  timeoutMs = 60_000,
): Promise<ImportJobRecord> {
  const store = new ImportJobStore(stateDir);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { jobs } = await store.list().catch(() => ({ jobs: [] as ImportJobRecord[] }));
    const job = jobs[0];
    if (job && test(job)) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('The job never reached the state waited for');
}

describe('a Crisp outage mid-import, through the CLI', () => {
  it('waits for Crisp (crisp_unavailable), fails no row, and finishes by itself as an uninterrupted run would', async () => {
    const reference = await server();
    const referenceRun = run(reference, join(dir, 'reference-state'));

    const crisp = await server();
    let requests = 0;
    crisp.onRequest(() => {
      if (++requests === 800) crisp.configure({ outage: { status: 'mixed', forMs: OUTAGE_MS } });
    });
    const stateDir = join(dir, 'state');
    const cli = run(crisp, stateDir);
    const waiting = await waitForJob(stateDir, (job) => job.state === 'waiting_for_connection');
    expect(waiting.problem?.code).toBe('crisp_unavailable');
    expect(waiting.stateMessage).toMatch(
      /^Crisp is not answering properly \(HTTP 50[023]\)\. The import continues by itself when it is back\.$/,
    );
    expect(waiting.counters.failed).toBe(0);

    const result = await cli.done;
    expect(result.code, result.stderr).toBe(1); // completed; the broken emails were skipped
    expect(result.stdout).toMatch(/Crisp is not answering properly/);
    expect(result.stdout).toMatch(/Sending again/);
    const job = await waitForJob(stateDir, (j) => j.state === 'completed', 1_000);
    expect(job.counters).toMatchObject({ read: ROWS, failed: 0 });
    expect(job.problem).toBeNull();
    const journal = { rows: new Set<number>(), failed: 0 };
    for await (const row of readJournalRows(new ImportJobStore(stateDir).paths(job.id).journal)) {
      journal.rows.add(row.row);
      if (row.outcome === 'failed') journal.failed++;
    }
    expect({ rows: journal.rows.size, failed: journal.failed }).toEqual({ rows: ROWS, failed: 0 });

    // What the outage cost: the requests in flight when it began, and a check a second.
    const duringOutage = crisp.requestLog().filter((r) => r.status >= 500);
    console.log(`outage of ${OUTAGE_MS / 1000} s through the CLI: ${duringOutage.length} requests`);
    expect(duringOutage.length).toBeGreaterThan(0);
    expect(duringOutage.length).toBeLessThanOrEqual(60);

    const referenceResult = await referenceRun.done;
    expect(referenceResult.code, referenceResult.stderr).toBe(1);
    expect(comparableProfiles(crisp)).toEqual(comparableProfiles(reference));
  }, 120_000);
});
