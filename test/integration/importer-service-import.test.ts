// An import through the real handler layer: the job runs in the engine worker against a fake
// Crisp over loopback; progress and state changes are pushed; the report and failed rows file
// are there at the end; a paused import resumes and finishes with every contact correct.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  FileRef,
  JobDetail,
  JobStateChange,
  JobSummary,
  MappingProposal,
} from '../../src/shared/ipc-contract';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { rememberConnection, updateAppSettings } from '../../src/main/engine/app-settings';
import { detectCsvFormat } from '../../src/main/engine/csv-reader';
import { createImportJob, ImportJobStore } from '../../src/main/engine/import-jobs';
import { startIpcHarness, type IpcHarness } from './ipc-support';

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

async function waitFor<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}

async function chooseFile(name: string, text: string): Promise<FileRef> {
  const path = join(harness.stateDir, name);
  await writeFile(path, text);
  harness.openAnswers.push(path);
  return valueOf<{ file: FileRef }>(await harness.call('file:choose')).file;
}

function finalState(jobId: string): JobStateChange | undefined {
  return harness.events
    .filter((e) => e.event === 'import:stateChanged')
    .map((e) => e.payload as JobStateChange)
    .find(
      (p) => p.job.jobId === jobId && ['completed', 'failed', 'cancelled'].includes(p.job.state),
    );
}

describe('import', () => {
  it('sends every valid row, reports what happened and keeps the failed rows file', async () => {
    const rows = ['email,first_name,last_name,plan'];
    for (let i = 0; i < 40; i++) rows.push(`user${i}@example.com,User,${i},pro`);
    rows.push('broken-email,No,Email,free');
    const file = await chooseFile('contacts.csv', rows.join('\n') + '\n');
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const started = valueOf<JobSummary>(
      await harness.call('import:start', {
        fileId: file.fileId,
        mapping: proposal.mapping,
        connectionId: crisp.websiteId,
      }),
    );
    const done = await waitFor(() => finalState(started.jobId));
    expect(done.job.state).toBe('completed');
    expect(done.job.counters).toMatchObject({ created: 40, skipped: 1, failed: 0 });
    expect(crisp.getProfile('user7@example.com')?.person.nickname).toBe('User 7');
    expect(harness.events.some((e) => e.event === 'import:progressed')).toBe(true);

    const detail = valueOf<JobDetail>(await harness.call('jobs:get', { jobId: started.jobId }));
    expect(detail.report).toMatchObject({ created: 40, skipped: 1 });
    expect(detail.report?.failureGroups[0]?.rows).toEqual([42]);
    const to = join(harness.stateDir, 'failed-copy.csv');
    harness.saveAnswers.push(to);
    valueOf(await harness.call('report:saveFailedRows', { jobId: started.jobId }));
    const failed = await readFile(to, 'utf8');
    expect(failed).toContain('broken-email');

    // A report gone missing (a crash of an older version, files deleted) is written again when
    // the job is opened, nothing sent.
    const paths = new ImportJobStore(harness.stateDir).paths(started.jobId);
    await rm(paths.failedRows);
    await rm(paths.summary);
    const sent = crisp.requestLog().length;
    const again = join(harness.stateDir, 'failed-again.csv');
    harness.saveAnswers.push(again);
    valueOf(await harness.call('report:saveFailedRows', { jobId: started.jobId }));
    expect(await readFile(again, 'utf8')).toContain('broken-email');
    expect(JSON.parse(await readFile(paths.summary, 'utf8'))).toMatchObject({
      state: 'completed',
      failedRowsFile: paths.failedRows,
    });
    expect(crisp.requestLog().length).toBe(sent);

    const state = valueOf<{ jobs: JobSummary[]; resumableJobIds: string[] }>(
      await harness.call('app:state'),
    );
    expect(state.jobs[0]?.jobId).toBe(started.jobId);
    expect(state.resumableJobIds).toEqual([]);
    expect(JSON.stringify(state)).not.toContain(crisp.token.key);
  });

  it('pauses and resumes, and the paused job is offered for resume', async () => {
    crisp.configure({ rateLimit: { perSecond: 20, status: 429, retryAfter: 'seconds' } });
    const rows = ['email,full_name'];
    for (let i = 0; i < 300; i++) rows.push(`p${i}@example.com,Person ${i}`);
    const file = await chooseFile('many.csv', rows.join('\n') + '\n');
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const started = valueOf<JobSummary>(
      await harness.call('import:start', {
        fileId: file.fileId,
        mapping: proposal.mapping,
        connectionId: crisp.websiteId,
      }),
    );
    await waitFor(() => (crisp.listProfiles().length >= 20 ? true : undefined));
    const paused = valueOf<JobSummary>(
      await harness.call('import:pause', { jobId: started.jobId }),
    );
    expect(paused.state).toBe('paused');
    const state = valueOf<{ resumableJobIds: string[] }>(await harness.call('app:state'));
    expect(state.resumableJobIds).toEqual([started.jobId]);
    crisp.configure({ rateLimit: null });
    valueOf(await harness.call('import:resume', { jobId: started.jobId }));
    const done = await waitFor(() => finalState(started.jobId));
    expect(done.job.counters.created + done.job.counters.updated).toBe(300);
    expect(crisp.listProfiles()).toHaveLength(300);
  });

  it('pauses within seconds while every write fails and the health check answers 200', async () => {
    crisp.configure({ faults: { serverErrorRate: 1, scope: 'writes' } });
    const rows = ['email,full_name'];
    for (let i = 0; i < 200; i++) rows.push(`f${i}@example.com,Failing ${i}`);
    const file = await chooseFile('failing.csv', rows.join('\n') + '\n');
    const proposal = valueOf<MappingProposal>(
      await harness.call('mapping:propose', { fileId: file.fileId }),
    );
    const started = valueOf<JobSummary>(
      await harness.call('import:start', {
        fileId: file.fileId,
        mapping: proposal.mapping,
        connectionId: crisp.websiteId,
      }),
    );
    await waitFor(() => (crisp.requestLog().length >= 12 ? true : undefined));
    const pausedAt = Date.now();
    const paused = valueOf<JobSummary>(
      await harness.call('import:pause', { jobId: started.jobId }),
    );
    expect(paused.state).toBe('paused');
    expect(Date.now() - pausedAt).toBeLessThan(2_500);
    const last = Math.max(...crisp.requestLog().map((e) => e.at));
    expect(last - pausedAt).toBeLessThan(1_000);
  });

  it('shows a job a killed app left "running" as interrupted, offers it, and resumes it', async () => {
    const rows = ['email,full_name'];
    for (let i = 0; i < 25; i++) rows.push(`k${i}@example.com,Kept ${i}`);
    const path = join(harness.stateDir, 'killed.csv');
    await writeFile(path, rows.join('\n') + '\n');
    const store = new ImportJobStore(harness.stateDir);
    const detection = await detectCsvFormat(path);
    const job = await createImportJob(store, {
      filePath: path,
      layout: {
        format: detection.format,
        headers: detection.headers,
        dataStartOffset: detection.dataStartOffset,
        dataStartRow: detection.dataStartRow,
        bomLength: 0,
      },
      mapping: {
        version: 1,
        columns: [
          { column: 'email', index: 0, target: { kind: 'field', field: 'email' } },
          { column: 'full_name', index: 1, target: { kind: 'field', field: 'full_name' } },
        ],
        emptyCells: 'clear',
        extraSegments: [],
      },
      websiteId: crisp.websiteId,
      apiUrl: crisp.url,
    });
    // What a process killed while sending leaves behind.
    await store.save({ ...job, state: 'running', startedAt: new Date().toISOString() });

    const state = valueOf<{ jobs: JobSummary[]; resumableJobIds: string[] }>(
      await harness.call('app:state'),
    );
    expect(state.resumableJobIds).toEqual([job.id]);
    expect(state.jobs[0]).toMatchObject({ state: 'paused', resumable: true });
    expect(state.jobs[0]?.message).toContain('Interrupted');

    valueOf(await harness.call('import:resume', { jobId: job.id }));
    const done = await waitFor(() => finalState(job.id));
    expect(done.job.counters.created).toBe(25);
  });

  it('refuses to start without an email column, in plain words', async () => {
    const file = await chooseFile('noemail.csv', 'name\nAda\n');
    const answer = (await harness.call('import:start', {
      fileId: file.fileId,
      mapping: {
        version: 1,
        columns: [{ column: 'name', index: 0, target: { kind: 'field', field: 'full_name' } }],
        emptyCells: 'clear',
        extraSegments: [],
      },
      connectionId: crisp.websiteId,
    })) as { ok: boolean; error: { code: string; message: string } };
    expect(answer.ok).toBe(false);
    expect(answer.error.code).toBe('mapping_invalid');
  });
});
