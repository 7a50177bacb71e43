// `crisp-import undo` as a person uses it: an import (with and without --undoable) by the real
// CLI against the fake Crisp over loopback, then the undo, killed with -9 and run again, with a
// profile edited in Crisp after the import.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import {
  comparableProfiles,
  spawnCli,
  writeContactsFile,
  type ContactsFile,
} from './reliability-support';

let dir: string;
let crisp: FakeCrisp;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-undo-'));
  crisp = await startFakeCrisp({});
});
afterEach(async () => {
  await crisp.close();
  await rm(dir, { recursive: true, force: true });
});

const fast = ['--daily-budget', '10000000', '--initial-rate', '2000'];

/** Imports `file` (the existing contacts seeded first); returns the job id and what Crisp held before. */
async function importFile(
  file: ContactsFile,
  stateDir: string,
  extra: string[],
): Promise<{ job: string; before: Record<string, unknown>; out: Record<string, number> }> {
  crisp.seedProfiles(file.existing);
  const before = comparableProfiles(crisp);
  const run = await spawnCli(
    [
      'run',
      file.path,
      '--website',
      crisp.websiteId,
      '--api-url',
      crisp.url,
      '--state-dir',
      stateDir,
      '--json',
      ...fast,
      ...extra,
    ],
    crisp,
  ).done;
  const out = JSON.parse(run.stdout);
  expect(out, run.stderr).toMatchObject({ state: 'completed', failed: 0 });
  expect(out.created).toBeGreaterThan(50);
  expect(out.updated).toBeGreaterThan(10);
  return { job: out.job, before, out };
}

function undoArgs(job: string, stateDir: string, extra: string[] = []): string[] {
  return ['undo', job, '--state-dir', stateDir, '--json', ...fast, ...extra];
}

describe('crisp-import undo', () => {
  it('gives back exactly the profiles Crisp held before an --undoable import', async () => {
    const file = await writeContactsFile(dir, 300, 21);
    const stateDir = join(dir, 'state');
    const { job, before } = await importFile(file, stateDir, ['--undoable']);
    const after = comparableProfiles(crisp);
    expect(after).not.toEqual(before);
    // The import added fields and keys to existing contacts (names, `score`): undo removes them.
    const existing = file.existing[0]!.email;
    expect(crisp.getProfile(existing)!.data).toHaveProperty('score');

    const undo = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(undo.code, undo.stderr).toBe(0);
    const summary = JSON.parse(undo.stdout);
    expect(summary).toMatchObject({
      job,
      state: 'completed',
      undoable: true,
      changedSince: 0,
      failed: 0,
      cannotRestore: 0,
      pending: 0,
    });
    expect(summary.deleted).toBe(Object.keys(after).length - Object.keys(before).length);
    expect(summary.restored).toBe(file.existing.length);
    expect(comparableProfiles(crisp)).toEqual(before);
    expect(JSON.parse(await readFile(summary.summaryFile, 'utf8'))).toMatchObject({
      deleted: summary.deleted,
      restored: summary.restored,
    });

    // Undone already: running it again sends nothing that changes a profile and says so.
    crisp.clearRequestLog();
    const again = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(again.code, again.stderr).toBe(0);
    expect(crisp.requestLog().filter((r) => r.method !== 'GET')).toEqual([]);
  }, 30_000);

  it("restores the same when Crisp answers a PUT with another reason than 'saved' (unconfirmed)", async () => {
    const file = await writeContactsFile(dir, 120, 11);
    const stateDir = join(dir, 'state');
    const { job, before } = await importFile(file, stateDir, ['--undoable']);
    crisp.configure({ saveReason: 'updated' });
    const undo = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(undo.code, undo.stderr).toBe(0);
    expect(JSON.parse(undo.stdout)).toMatchObject({ restored: file.existing.length, failed: 0 });
    expect(comparableProfiles(crisp)).toEqual(before);
  }, 30_000);

  it('a kill -9 during the undo, then undo again: the exact profiles, nothing undone twice', async () => {
    const file = await writeContactsFile(dir, 400, 22);
    const stateDir = join(dir, 'state');
    const { job, before } = await importFile(file, stateDir, ['--undoable']);
    const kills = [60, 250];
    for (const threshold of kills) {
      const run = spawnCli(undoArgs(job, stateDir, ['--initial-rate', '200']), crisp);
      let requests = 0;
      const stop = crisp.onRequest(() => {
        requests += 1;
        if (requests === threshold) run.child.kill('SIGKILL');
      });
      const result = await run.done;
      stop();
      expect(result.signal, result.stderr).toBe('SIGKILL');
    }
    crisp.clearRequestLog();
    const last = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(last.code, last.stderr).toBe(0);
    const summary = JSON.parse(last.stdout);
    expect(summary).toMatchObject({ state: 'completed', changedSince: 0, failed: 0, pending: 0 });
    expect(comparableProfiles(crisp)).toEqual(before);
    // The last run only finished what the killed ones left: no profile deleted twice.
    const deletes = crisp.requestLog().filter((r) => r.method === 'DELETE');
    expect(deletes.every((r) => r.status === 200)).toBe(true);
    expect(deletes.length).toBeLessThan(summary.deleted);
  }, 40_000);

  it('pauses when the daily quota is spent (exit 3) and carries on when run again', async () => {
    const file = await writeContactsFile(dir, 200, 25);
    const stateDir = join(dir, 'state');
    const { job, before } = await importFile(file, stateDir, ['--undoable']);
    crisp.configure({ dailyQuota: { limit: crisp.quotaUsed() + 40 } });
    const paused = await spawnCli(undoArgs(job, stateDir, ['--exit-on-wait']), crisp).done;
    expect(paused.code, paused.stderr).toBe(3);
    const summary = JSON.parse(paused.stdout);
    expect(summary).toMatchObject({ state: 'paused', problem: { code: 'quota_spent' } });
    expect(summary.pending).toBeGreaterThan(0);
    crisp.configure({ dailyQuota: null });
    crisp.resetQuota();
    const resumed = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ state: 'completed', pending: 0 });
    expect(comparableProfiles(crisp)).toEqual(before);
  }, 30_000);

  it('leaves a profile edited in Crisp after the import as it is, and reports it (exit 1)', async () => {
    const file = await writeContactsFile(dir, 200, 23);
    const stateDir = join(dir, 'state');
    const { job, before } = await importFile(file, stateDir, ['--undoable']);
    const updatedOne = file.existing[0]!.email;
    const createdOne = Object.keys(comparableProfiles(crisp)).find((e) => !(e in before))!;
    crisp.editProfile(updatedOne, { notepad: 'called on Monday' });
    crisp.editProfile(createdOne, { segments: ['hand-picked'] });
    const edited = comparableProfiles(crisp);

    const undo = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(undo.code, undo.stderr).toBe(1);
    const summary = JSON.parse(undo.stdout);
    expect(summary).toMatchObject({ state: 'completed', changedSince: 2, failed: 0 });
    expect(summary.changed.map((c: { email: string }) => c.email).sort()).toEqual(
      [updatedOne, createdOne].sort(),
    );
    const now = comparableProfiles(crisp);
    expect(now[updatedOne]).toEqual(edited[updatedOne]);
    expect(now[createdOne]).toEqual(edited[createdOne]);
    for (const email of Object.keys(before))
      if (email !== updatedOne) expect(now[email]).toEqual(before[email]);
    expect(Object.keys(now).sort()).toEqual([...Object.keys(before), createdOne].sort());
    const csv = await readFile(summary.failedProfilesFile, 'utf8');
    expect(csv).toContain(createdOne);
    expect(csv).toContain('changed');
  }, 30_000);

  it('without --undoable: deletes what was created and says how many it cannot restore', async () => {
    const file = await writeContactsFile(dir, 200, 24);
    const stateDir = join(dir, 'state');
    const { job, before, out } = await importFile(file, stateDir, []);
    const importedOver = comparableProfiles(crisp);
    const undo = await spawnCli(undoArgs(job, stateDir), crisp).done;
    expect(undo.code, undo.stderr).toBe(1);
    const summary = JSON.parse(undo.stdout);
    expect(summary).toMatchObject({
      state: 'completed',
      undoable: false,
      restored: 0,
      failed: 0,
      cannotRestore: file.existing.length,
    });
    expect(summary.deleted).toBe(out.created);
    const now = comparableProfiles(crisp);
    expect(Object.keys(now).sort()).toEqual(Object.keys(before).sort());
    for (const email of Object.keys(now)) expect(now[email]).toEqual(importedOver[email]);
    const text = await spawnCli(['undo', job, '--state-dir', stateDir, ...fast], crisp).done;
    expect(text.stdout).toContain(
      `${file.existing.length} contacts this import updated cannot be restored`,
    );
  }, 30_000);

  it('an unknown job id is a JSON error, exit 2', async () => {
    const result = await spawnCli(
      ['undo', '20990101-000000-abcdef', '--state-dir', join(dir, 'state'), '--json'],
      crisp,
    ).done;
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'job_not_found' } });
  });
});
