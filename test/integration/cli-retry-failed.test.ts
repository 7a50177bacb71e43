// `crisp-import run --retry-failed` as a person uses it: a real process, a real file, the fake
// Crisp server over loopback failing chosen emails (5xx that can pass, a 400 refusal that would
// fail again), then the retry inside the same job, also after a kill -9 in the middle of it.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { ImportJobStore, readJournalRows } from '../../src/main/engine/import-jobs';
import { comparableProfiles, spawnCli } from './reliability-support';
import { writeWorkbook } from './workbook-support';

let dir: string;
const servers: FakeCrisp[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-retry-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function fakeCrisp(): Promise<FakeCrisp> {
  const crisp = await startFakeCrisp({});
  servers.push(crisp);
  crisp.seedProfiles([
    { email: 'old1@example.com', segments: ['existing'], person: { nickname: 'Old One' } },
    { email: 'old7@example.com', segments: ['existing'], person: { nickname: 'Old Seven' } },
  ]);
  return crisp;
}

/** Rows 2..n+1: person<i>, with old1 and old7 existing in Crisp and old1 twice in the file. */
async function contactsFile(count: number): Promise<string> {
  const lines = ['email,first_name,last_name,tags,data.plan'];
  for (let i = 0; i < count; i++) {
    const email = i === 1 || i === 7 ? `old${i}@example.com` : `person${i}@example.com`;
    lines.push(`${email},First${i},Last${i},t${i % 3}|all,plan${i % 4}`);
  }
  lines.push('old1@example.com,Again,Twice,late,gold');
  const path = join(dir, `contacts-${count}.csv`);
  await writeFile(path, lines.join('\n') + '\n');
  return path;
}

function runArgs(file: string, crisp: FakeCrisp, stateDir: string, extra: string[] = []) {
  return [
    'run',
    file,
    '--website',
    crisp.websiteId,
    '--api-url',
    crisp.url,
    '--state-dir',
    stateDir,
    '--json',
    '--max-attempts',
    '2',
    '--retry-delay',
    '10',
    ...extra,
  ];
}

async function run(file: string, crisp: FakeCrisp, stateDir: string, extra: string[] = []) {
  const result = await spawnCli(runArgs(file, crisp, stateDir, extra), crisp).done;
  return { ...result, json: JSON.parse(result.stdout) as Record<string, unknown> };
}

/** The profiles a clean import of `file` makes. */
async function cleanImport(
  file: string,
): Promise<{ profiles: Record<string, unknown>; created: number; updated: number }> {
  const crisp = await fakeCrisp();
  const result = await run(file, crisp, join(dir, `clean-state-${servers.length}`));
  expect(result.json).toMatchObject({ state: 'completed', failed: 0 });
  return {
    profiles: comparableProfiles(crisp),
    created: result.json.created as number,
    updated: result.json.updated as number,
  };
}

describe('crisp-import run --retry-failed', () => {
  it('retries the failed rows of an Excel workbook import (its contacts sheet, read on once)', async () => {
    const path = join(dir, 'contacts.xlsx');
    const rows: (string | number)[][] = [
      ['Contacts exported 3 Dec'],
      ['email', 'first_name', 'phone'],
    ];
    for (let i = 0; i < 400; i++) rows.push([`wb${i}@example.com`, `First${i}`, `+3361234${i}`]);
    await writeWorkbook(path, [
      { name: 'Notes', rows: [['nothing here'], ['see the next sheet']] },
      { name: 'Contacts', rows },
    ]);
    const crisp = await fakeCrisp();
    const stateDir = join(dir, 'state');
    const failing = ['wb4@example.com', 'wb200@example.com', 'wb399@example.com'];
    crisp.configure({
      faults: { failingEmails: Object.fromEntries(failing.map((e) => [e, 503])) },
    });
    const first = await run(path, crisp, stateDir);
    expect(first.code, first.stderr).toBe(1);
    expect(first.json).toMatchObject({ state: 'completed', rows: 400, failed: 3 });
    for (const email of failing) expect(crisp.getProfile(email)).toBeUndefined();

    crisp.configure({ faults: { failingEmails: {} } });
    crisp.clearRequestLog();
    const retry = await run(path, crisp, stateDir, ['--retry-failed']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.json).toMatchObject({
      job: first.json.job,
      state: 'completed',
      rows: 400,
      failed: 0,
      created: 400,
      retry: { rows: 3, failedAgain: 0, notRetryable: 0 },
    });
    for (const email of failing) expect(crisp.getProfile(email)).toMatchObject({ email });
    // Only the three contacts were sent again (a whole re-send would be 400 writes and more).
    const writes = crisp.requestLog().filter((r) => r.method !== 'GET' && r.method !== 'HEAD');
    expect(writes.length).toBeGreaterThanOrEqual(3);
    expect(writes.length).toBeLessThanOrEqual(9);
  }, 60_000);

  it('sends again only the rows that failed for a reason that can pass, and replaces their outcomes everywhere', async () => {
    const file = await contactsFile(30);
    const reference = (await cleanImport(file)).profiles;
    const crisp = await fakeCrisp();
    const stateDir = join(dir, 'state');
    crisp.configure({
      faults: {
        failingEmails: {
          'person3@example.com': 503,
          'person5@example.com': 500,
          'person20@example.com': 400,
        },
      },
    });
    const first = await run(file, crisp, stateDir);
    expect(first.code, first.stderr).toBe(1);
    expect(first.json).toMatchObject({ state: 'completed', rows: 31, failed: 3, retry: null });
    const jobId = first.json.job as string;
    const failedCsv = await readFile(first.json.failedRowsFile as string, 'utf8');
    expect(failedCsv).toContain('person3@example.com');
    expect(failedCsv).toContain('person20@example.com');

    // Crisp is well again (the 400 refusal stays: its data would be refused again).
    crisp.configure({ faults: { failingEmails: { 'person20@example.com': 400 } } });
    const stamps = new Map(crisp.listProfiles().map((p) => [p.email, p.updated_at]));
    const retry = await run(file, crisp, stateDir, ['--retry-failed']);
    expect(retry.code, retry.stderr).toBe(1); // one row still failed (the refused one)
    expect(retry.json).toMatchObject({
      job: jobId,
      state: 'completed',
      rows: 31,
      failed: 1,
      alreadyFinished: false,
      retry: { rows: 2, failedAgain: 0, notRetryable: 1 },
    });
    const out = retry.json;
    expect((out.created as number) + (out.updated as number) + (out.skipped as number) + 1).toBe(
      31,
    );
    expect(Object.values(out.failedByReason as Record<string, number>)).toEqual([1]);
    const reasons = Object.keys(
      (out.retry as { notRetryableByReason: object }).notRetryableByReason,
    );
    expect(reasons).toHaveLength(1);
    // Only the two retried contacts were written again (the refused one was not sent).
    const writtenAgain = crisp
      .listProfiles()
      .filter((p) => p.updated_at !== stamps.get(p.email))
      .map((p) => p.email)
      .sort();
    expect(writtenAgain).toEqual(['person3@example.com', 'person5@example.com']);

    // summary.json and failed-rows.csv say the same.
    const summary = JSON.parse(await readFile(out.summaryFile as string, 'utf8'));
    expect(summary).toMatchObject({
      rows: 31,
      created: out.created,
      updated: out.updated,
      failed: 1,
    });
    const csv = await readFile(out.failedRowsFile as string, 'utf8');
    expect(csv).toContain('person20@example.com');
    expect(csv).not.toContain('person3@example.com');
    expect(csv).not.toContain('person5@example.com');

    // Every contact but the refused one is as a clean import makes it.
    const profiles = comparableProfiles(crisp);
    const { ['person20@example.com']: _refused, ...expected } = reference;
    void _refused;
    expect(profiles).toEqual(expected);

    // Run again: only the refused row is left, and it is not sent: exit 0, said plainly.
    const again = await run(file, crisp, stateDir, ['--retry-failed']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json).toMatchObject({ failed: 1, retry: { rows: 0, notRetryable: 1 } });
    expect((again.json.retry as { message: string }).message).toMatch(/nothing to retry/);
    expect((again.json.retry as { message: string }).message).toMatch(/refused/);

    // The change ledger learnt the retried rows: importing the file again sends only the refused row.
    const reimport = await run(file, crisp, stateDir, ['--restart']);
    expect(reimport.json).toMatchObject({ rows: 31, unchanged: 30, failed: 1 });

    // The text form says the same in words.
    const text = await spawnCli(
      runArgs(file, crisp, stateDir, ['--retry-failed']).filter((a) => a !== '--json'),
      crisp,
    ).done;
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/1 failed row is not sent again: Crisp refused its data/);
  }, 60_000);

  it('after a kill -9 in the middle of a retry, retrying again gives the exact counts and sends nothing twice', async () => {
    const file = await contactsFile(400);
    const clean = await cleanImport(file);
    const reference = clean.profiles;
    const crisp = await fakeCrisp();
    const stateDir = join(dir, 'state');
    const failing: Record<string, number> = {};
    for (let i = 10; i < 400; i += 5)
      if (i !== 1 && i !== 7) failing[`person${i}@example.com`] = 503;
    crisp.configure({ faults: { failingEmails: failing } });
    const first = await run(file, crisp, stateDir);
    expect(first.json).toMatchObject({ state: 'completed', failed: 78 });
    crisp.configure({ faults: { failingEmails: {} } });

    // Killed after a part of the retried contacts was written.
    const killed = spawnCli(
      runArgs(file, crisp, stateDir, ['--retry-failed', '--initial-rate', '20']),
      crisp,
    );
    let writes = 0;
    const stop = crisp.onRequest((e) => {
      if (e.method !== 'GET' && ++writes === 30) killed.child.kill('SIGKILL');
    });
    const result = await killed.done;
    stop();
    expect(result.signal).toBe('SIGKILL');

    // The retried rows whose new outcome was durable before the kill.
    const store = new ImportJobStore(stateDir);
    const journal = store.paths(first.json.job as string).journal;
    const durable = new Set<string>();
    for await (const r of readJournalRows(journal))
      if (r.replaces) durable.add(`person${r.row - 2}@example.com`);
    expect(durable.size).toBeGreaterThan(0);
    expect(durable.size).toBeLessThan(78);

    const stamps = new Map<string, number>();
    for (const p of crisp.listProfiles()) stamps.set(p.email, p.updated_at);
    const logBefore = crisp.requestLog().length;
    const retry = await run(file, crisp, stateDir, ['--retry-failed']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(retry.json).toMatchObject({
      job: first.json.job,
      state: 'completed',
      rows: 401,
      failed: 0,
      skipped: 0,
      retry: { rows: 78 - durable.size, failedAgain: 0, notRetryable: 0 },
    });
    // A contact written just before the kill, its outcome not durable yet, is sent again (it is
    // then an update of what that write created): created + updated still account for every row.
    expect((retry.json.created as number) + (retry.json.updated as number)).toBe(401);
    expect(retry.json.updated as number).toBeGreaterThanOrEqual(clean.updated);
    expect(retry.json.failedRowsFile).toBeNull();
    expect(comparableProfiles(crisp)).toEqual(reference);

    // Nothing sent twice: no contact whose retried row was durable is written again.
    const writesAfter = crisp
      .requestLog()
      .slice(logBefore)
      .filter((e) => e.method !== 'GET' && e.method !== 'HEAD');
    expect(writesAfter.length).toBeGreaterThan(0);
    const rewritten = crisp
      .listProfiles()
      .filter((p) => durable.has(p.email))
      .filter((p) => p.updated_at !== stamps.get(p.email))
      .map((p) => p.email);
    expect(rewritten).toEqual([]);
    // The journal holds each failed row's new outcome once.
    const replaced = new Map<number, number>();
    for await (const r of readJournalRows(journal)) {
      if (r.replaces) replaced.set(r.row, (replaced.get(r.row) ?? 0) + 1);
    }
    expect(replaced.size).toBe(78);
    expect([...replaced.values()].every((n) => n === 1)).toBe(true);
    const summary = JSON.parse(await readFile(retry.json.summaryFile as string, 'utf8'));
    expect(summary).toMatchObject({ rows: 401, failed: 0, created: retry.json.created });
  }, 90_000);
});
