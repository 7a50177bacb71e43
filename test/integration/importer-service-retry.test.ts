// "Retry N failed rows" through the real handler layer: an import whose rows failed (made by the
// CLI in the same state folder, with fast retries), then import:retryFailed runs the retry in the
// engine worker against the fake Crisp over loopback, with progress and a fresh report.
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobDetail, JobStateChange, JobSummary } from '../../src/shared/ipc-contract';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { rememberConnection, updateAppSettings } from '../../src/main/engine/app-settings';
import { startIpcHarness, type IpcHarness } from './ipc-support';
import { spawnCli } from './reliability-support';

let harness: IpcHarness;
let crisp: FakeCrisp;
beforeEach(async () => {
  harness = await startIpcHarness();
  crisp = await startFakeCrisp({});
  await updateAppSettings(harness.stateDir, (s) =>
    rememberConnection(s, { websiteId: crisp.websiteId, tier: 'website', apiUrl: crisp.url }),
  );
  answer(
    await harness.call('connections:save', {
      websiteId: crisp.websiteId,
      identifier: crisp.token.identifier,
      key: crisp.token.key,
      tokenKind: 'website',
      label: 'Test shop',
    }),
  );
});
afterEach(async () => {
  await harness.close();
  await crisp.close();
});

function answer<T>(given: unknown): T {
  const result = given as { ok: boolean; value?: T; error?: { code: string; message: string } };
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value as T;
}

async function waitFor<T>(check: () => T | undefined, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

describe('import:retryFailed', () => {
  it('sends again the failed rows that can pass, says how many cannot, and refuses what does not fit', async () => {
    const rows = ['email,first_name,last_name,plan'];
    for (let i = 0; i < 20; i++) rows.push(`user${i}@example.com,User,${i},pro`);
    const file = join(harness.stateDir, 'contacts.csv');
    await writeFile(file, rows.join('\n') + '\n');
    crisp.configure({
      faults: {
        failingEmails: {
          'user3@example.com': 503,
          'user4@example.com': 502,
          'user9@example.com': 400,
        },
      },
    });
    const cli = await spawnCli(
      [
        'run',
        file,
        '--website',
        crisp.websiteId,
        '--api-url',
        crisp.url,
        '--state-dir',
        harness.stateDir,
        '--json',
        '--max-attempts',
        '2',
        '--retry-delay',
        '10',
      ],
      crisp,
    ).done;
    const first = JSON.parse(cli.stdout) as { job: string; failed: number };
    expect(first.failed, cli.stderr).toBe(3);

    const before = answer<JobDetail>(await harness.call('jobs:get', { jobId: first.job }));
    expect(before.report).toMatchObject({ failed: 3, retryableFailed: 2, notRetryableFailed: 1 });

    // A job id that is not one is refused by the contract.
    const bad = (await harness.call('import:retryFailed', { jobId: '../../victim' })) as {
      ok: boolean;
    };
    expect(bad.ok).toBe(false);

    crisp.configure({ faults: { failingEmails: { 'user9@example.com': 400 } } });
    const started = answer<JobSummary>(
      await harness.call('import:retryFailed', { jobId: first.job }),
    );
    expect(started.jobId).toBe(first.job);
    const done = await waitFor(() =>
      harness.events
        .filter((e) => e.event === 'import:stateChanged')
        .map((e) => e.payload as JobStateChange)
        .find((p) => p.job.jobId === first.job && p.job.state === 'completed'),
    );
    expect(done.job.counters).toMatchObject({ created: 19, failed: 1 });
    expect(crisp.getProfile('user3@example.com')?.person.nickname).toBe('User 3');
    expect(crisp.getProfile('user4@example.com')?.person.nickname).toBe('User 4');
    expect(crisp.getProfile('user9@example.com')).toBeFalsy();

    const after = answer<JobDetail>(await harness.call('jobs:get', { jobId: first.job }));
    expect(after.report).toMatchObject({
      created: 19,
      failed: 1,
      retryableFailed: 0,
      notRetryableFailed: 1,
    });
    expect(after.report?.failureGroups.map((g) => g.rows)).toEqual([[11]]);

    // Nothing left that can pass: refused in plain words, nothing sent.
    const sent = crisp.requestLog().length;
    const again = (await harness.call('import:retryFailed', { jobId: first.job })) as {
      ok: boolean;
      error?: { code: string; message: string };
    };
    expect(again.ok).toBe(false);
    expect(again.error?.code).toBe('invalid_state');
    expect(again.error?.message).toMatch(/refused/);
    expect(crisp.requestLog().length).toBe(sent);
  }, 60_000);
});
