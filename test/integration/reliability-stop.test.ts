// A stop request is honoured within seconds in every state, including while every write fails
// (5xx) and the health check (GET people/stats) answers 200, so the sender keeps believing
// Crisp is back: Ctrl-C (SIGINT) and SIGTERM pause the CLI, --exit-on-wait ends it at the first
// wait, and no request leaves after the stop beyond those already in flight.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { spawnCli, writeContactsFile, type CliRun } from './reliability-support';

/** The CLI has ended this long after the stop, at most (writing job.json and the summary included). */
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

async function runArgs(extra: string[] = []): Promise<string[]> {
  const file = await writeContactsFile(dir, 400, 11);
  return [
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
    ...extra,
  ];
}

/** Sends `signal` once `when` says so (checked at every request); resolves with the timings. */
async function stopWhen(
  run: CliRun,
  signal: NodeJS.Signals,
  when: (requests: number) => boolean,
): Promise<{ code: number | null; stdout: string; exitMs: number; lastRequestMs: number }> {
  let requests = 0;
  let signalledAt = 0;
  let lastRequestAt = 0;
  const off = crisp.onRequest((entry) => {
    requests++;
    lastRequestAt = Math.max(lastRequestAt, entry.at);
    if (!signalledAt && when(requests)) {
      signalledAt = Date.now();
      run.child.kill(signal);
    }
  });
  const killer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
  const done = await run.done;
  clearTimeout(killer);
  off();
  expect(signalledAt, 'the stop was never sent').toBeGreaterThan(0);
  return {
    code: done.code,
    stdout: done.stdout,
    exitMs: Date.now() - signalledAt,
    lastRequestMs: lastRequestAt - signalledAt,
  };
}

describe('a stop request is honoured within seconds', () => {
  it('Ctrl-C while every write fails and the health check answers 200', async () => {
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const run = spawnCli(await runArgs(), crisp);
    // Well into the failing writes: the sender has paused and resumed on the health check.
    const stop = await stopWhen(run, 'SIGINT', (n) => n === 25);
    expect(stop.code, stop.stdout).toBe(3);
    expect(stop.stdout).toMatch(/Paused at row \d+/);
    expect(stop.exitMs).toBeLessThan(STOP_WITHIN_MS);
    expect(stop.lastRequestMs).toBeLessThan(LAST_REQUEST_WITHIN_MS);
  }, 30_000);

  it('SIGTERM while waiting for the daily quota', async () => {
    crisp.configure({ dailyQuota: { limit: 30 } });
    const run = spawnCli(await runArgs(), crisp);
    await new Promise<void>((resolve) => {
      run.child.stdout!.on('data', () => {
        if (/quota of this token is spent/.test(run.stdout)) resolve();
      });
    });
    const signalledAt = Date.now();
    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done.code, done.stdout).toBe(3);
    expect(done.stdout).toMatch(/Paused at row \d+/);
    expect(Date.now() - signalledAt).toBeLessThan(STOP_WITHIN_MS);
  }, 30_000);

  it('--exit-on-wait ends the run at the first wait while writes fail', async () => {
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const run = spawnCli(await runArgs(['--exit-on-wait']), crisp);
    let waitSaidAt = 0;
    run.child.stdout!.on('data', () => {
      if (!waitSaidAt && /Crisp is not answering properly/.test(run.stdout))
        waitSaidAt = Date.now();
    });
    const killer = setTimeout(() => run.child.kill('SIGKILL'), 20_000);
    const done = await run.done;
    clearTimeout(killer);
    expect(done.code, done.stdout + done.stderr).toBe(3);
    expect(waitSaidAt, done.stdout).toBeGreaterThan(0);
    expect(Date.now() - waitSaidAt).toBeLessThan(STOP_WITHIN_MS);
  }, 30_000);
});
