// A stop request is honoured within seconds in every state, including while every write fails
// (5xx) and the health check (GET people/stats) answers 200, so the sender keeps believing
// Crisp is back (before the fix, the CLI went on sending until a second signal). SIGTERM pauses
// the CLI (a child process; Ctrl-C shares its handler and is tested in cli-run); Pause (the
// app's, `runner.pause()`) in each waiting state and `--exit-on-wait` (`stopWhenWaiting`) are
// tested on the runner itself, with the real HTTP sender against the fake Crisp over loopback.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectCsvFormat } from '../../src/main/engine/csv-reader';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  createEngineParts,
  createImportJob,
  ImportJobRunner,
  ImportJobStore,
  type ImportJobRecord,
} from '../../src/main/engine/import-jobs';
import { proposeMappingForHeaders } from '../../src/main/engine/presets';
import { spawnCli, writeContactsFile } from './reliability-support';

/** The run has ended this long after the stop, at most (job.json and the summary written). */
const STOP_WITHIN_MS = 2_500;
/** Requests in flight at the stop may still arrive; none is started later than this after it. */
const LAST_REQUEST_WITHIN_MS = 1_000;

let dir: string;
let crisp: FakeCrisp;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reliability-stop-'));
  crisp = await startFakeCrisp({});
});
afterEach(async () => {
  await crisp.close();
  await rm(dir, { recursive: true, force: true });
});

/** Resolves once `count` requests reached the fake Crisp (counted from now). */
function afterRequests(count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const off = crisp.onRequest(() => {
      if (++seen < count) return;
      off();
      resolve();
    });
  });
}

/** The time of the last request the fake Crisp received, from now on. */
function lastRequestAt(): () => number {
  let last = 0;
  crisp.onRequest((entry) => (last = Math.max(last, entry.at)));
  return () => last;
}

async function runnerFor(options: { stopWhenWaiting?: boolean } = {}): Promise<ImportJobRunner> {
  const file = await writeContactsFile(dir, 200, 11);
  const store = new ImportJobStore(join(dir, 'state'));
  const detection = await detectCsvFormat(file.path, {});
  const job: ImportJobRecord = await createImportJob(store, {
    filePath: file.path,
    layout: {
      format: detection.format,
      headers: detection.headers,
      dataStartOffset: detection.dataStartOffset,
      dataStartRow: detection.dataStartRow,
      bomLength: 0,
    },
    mapping: proposeMappingForHeaders(detection.headers, []).mapping,
    websiteId: crisp.websiteId,
    apiUrl: crisp.url,
  });
  return new ImportJobRunner({
    store,
    jobId: job.id,
    ...options,
    parts: createEngineParts({
      stateDir: store.stateDir,
      connection: { apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token },
      initialRate: 500,
      lookups: 'single',
      // The health check answers at once and often: the sender keeps trying again.
      quotaCheckMs: 200,
      connectionCheckMs: 200,
      network: { firstCheckMs: 100 },
      retry: { baseDelayMs: 20, maxDelayMs: 50 },
    }),
  });
}

describe('a stop request is honoured within seconds', () => {
  it('Pause while every write fails and the health check answers 200', async () => {
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const runner = await runnerFor();
    const done = runner.run();
    // Well into the failing writes: the sender has paused and resumed on the health check.
    await afterRequests(40);
    const last = lastRequestAt();
    const pausedAt = Date.now();
    const paused = await runner.pause();
    expect(paused.state).toBe('paused');
    expect(Date.now() - pausedAt).toBeLessThan(STOP_WITHIN_MS);
    await new Promise((r) => setTimeout(r, 300)); // nothing more leaves after the stop
    expect(last() - pausedAt).toBeLessThan(LAST_REQUEST_WITHIN_MS);
    expect(await done).toBe(paused);
  });

  it('Pause while waiting for the daily quota', async () => {
    crisp.configure({ dailyQuota: { limit: 20 } });
    const runner = await runnerFor();
    const waiting = new Promise<void>((resolve) =>
      runner.on('state', (event) => event.state === 'waiting_for_quota' && resolve()),
    );
    const done = runner.run();
    await waiting;
    const pausedAt = Date.now();
    expect((await runner.pause()).state).toBe('paused');
    expect(Date.now() - pausedAt).toBeLessThan(STOP_WITHIN_MS);
    await done;
  });

  it('--exit-on-wait (stopWhenWaiting) ends the run at the first wait while writes fail', async () => {
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const runner = await runnerFor({ stopWhenWaiting: true });
    let waitSaidAt = 0;
    runner.on('state', (event) => {
      if (!waitSaidAt && event.state === 'waiting_for_connection') waitSaidAt = Date.now();
    });
    const ended = await runner.run();
    expect(waitSaidAt, 'the run never said it waits').toBeGreaterThan(0);
    expect(ended.state).toBe('waiting_for_connection');
    expect(ended.problem?.code).toBe('crisp_unavailable');
    expect(Date.now() - waitSaidAt).toBeLessThan(STOP_WITHIN_MS);
  });

  it('SIGTERM pauses the CLI while every write fails and the health check answers 200', async () => {
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const file = await writeContactsFile(dir, 200, 11);
    const run = spawnCli(
      [
        'run',
        file.path,
        '--website',
        crisp.websiteId,
        '--api-url',
        crisp.url,
        '--state-dir',
        join(dir, 'state'),
        '--initial-rate',
        '500',
        '--check-every',
        '1',
      ],
      crisp,
    );
    await afterRequests(40);
    const last = lastRequestAt();
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
    const done = await run.done;
    clearTimeout(killer);
    expect(done.code, done.stdout + done.stderr).toBe(3);
    expect(done.stdout).toMatch(/Paused at row \d+/);
    expect(Date.now() - signalledAt).toBeLessThan(STOP_WITHIN_MS + 1_000); // the process exits too
    expect(last() - signalledAt).toBeLessThan(LAST_REQUEST_WITHIN_MS);
  }, 15_000);
});
