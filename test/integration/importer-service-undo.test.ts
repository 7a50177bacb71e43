// Undo through the real handler layer (the app's path): an import started "so it can be undone"
// (undoable) against a fake Crisp over loopback, then undo:preview (the confirmation's numbers),
// undo:start with pushed progress, the changed-since choice, and job ids checked at the boundary.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileRef,
  JobStateChange,
  JobSummary,
  MappingProposal,
  UndoPreview,
  UndoStatus,
} from '../../src/shared/ipc-contract';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { rememberConnection, updateAppSettings } from '../../src/main/engine/app-settings';
import { startIpcHarness, type IpcHarness } from './ipc-support';
import { comparableProfiles } from './reliability-support';

let harness: IpcHarness;
let crisp: FakeCrisp;
beforeEach(async () => {
  harness = await startIpcHarness();
  crisp = await startFakeCrisp({});
  await updateAppSettings(harness.stateDir, (s) =>
    rememberConnection(s, { websiteId: crisp.websiteId, tier: 'website', apiUrl: crisp.url }),
  );
  valueOf(
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

function valueOf<T>(answer: unknown): T {
  const result = answer as { ok: boolean; value?: T; error?: { code: string; message: string } };
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

function undoEnded(jobId: string, after: number): UndoStatus | undefined {
  return harness.events
    .slice(after)
    .filter((e) => e.event === 'undo:progressed')
    .map((e) => e.payload as UndoStatus)
    .find((s) => s.jobId === jobId && s.state !== 'running');
}

describe('undo in the app', () => {
  it('previews in numbers, undoes with progress, and lets the person undo a changed profile anyway', async () => {
    crisp.seedProfiles([
      { email: 'old1@example.com', person: { nickname: 'Old One' }, data: { plan: 'legacy' } },
      { email: 'old2@example.com', person: { nickname: 'Old Two' }, segments: ['kept'] },
    ]);
    const before = comparableProfiles(crisp);
    const rows = ['email,first_name,last_name,data.plan'];
    rows.push('old1@example.com,New,One,pro', 'old2@example.com,New,Two,team');
    for (let i = 0; i < 30; i++) rows.push(`user${i}@example.com,User,${i},pro`);
    const path = join(harness.stateDir, 'contacts.csv');
    await writeFile(path, rows.join('\n') + '\n');
    harness.openAnswers.push(path);
    const file = valueOf<{ file: FileRef }>(await harness.call('file:choose')).file;
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const started = valueOf<JobSummary>(
      await harness.call('import:start', {
        fileId: file.fileId,
        mapping: proposal.mapping,
        connectionId: crisp.websiteId,
        undoable: true,
      }),
    );
    const jobId = started.jobId;
    await waitFor(() =>
      harness.events
        .filter((e) => e.event === 'import:stateChanged')
        .map((e) => e.payload as JobStateChange)
        .find((p) => p.job.jobId === jobId && p.job.state === 'completed'),
    );
    expect(crisp.getProfile('old1@example.com')?.data).toEqual({ plan: 'pro' });

    const preview = valueOf<UndoPreview>(await harness.call('undo:preview', { jobId }));
    expect(preview).toMatchObject({
      deletes: 30,
      restores: 2,
      cannotRestore: 0,
      alreadyDone: 0,
      undoable: true,
    });
    expect(valueOf<UndoStatus>(await harness.call('undo:get', { jobId })).state).toBe(
      'not_started',
    );

    // Someone edits a created profile in Crisp meanwhile: it is left, and the person is asked.
    crisp.editProfile('user3@example.com', { notepad: 'VIP, do not delete' });
    const mark = harness.events.length;
    valueOf(await harness.call('undo:start', { jobId }));
    const ended = await waitFor(() => undoEnded(jobId, mark));
    expect(ended.state).toBe('completed');
    expect(ended.result).toMatchObject({
      deleted: 29,
      restored: 2,
      changedSince: 1,
      changed: ['user3@example.com'],
    });
    expect(crisp.getProfile('user3@example.com')?.notepad).toBe('VIP, do not delete');
    expect(comparableProfiles(crisp)['old1@example.com']).toEqual(before['old1@example.com']);

    // "Undo them anyway".
    const mark2 = harness.events.length;
    valueOf(await harness.call('undo:start', { jobId, overwriteChanged: true }));
    const again = await waitFor(() => undoEnded(jobId, mark2));
    expect(again.result).toMatchObject({ changedSince: 0, deleted: 30 });
    expect(comparableProfiles(crisp)).toEqual(before);
    expect(JSON.stringify(harness.events)).not.toContain(crisp.token.key);
  });

  it('refuses a job id that is not one, and says plainly when there is no such import', async () => {
    const bad = (await harness.call('undo:start', { jobId: '../../victim' })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid_input');
    const missing = (await harness.call('undo:preview', { jobId: '20990101-000000-abcdef' })) as {
      ok: boolean;
      error: { code: string; message: string };
    };
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });
});
