// `crisp-import run` and `crisp-import jobs` as a person uses them: a real process, a real file,
// the fake Crisp server over loopback, a temporary state folder per test.
import { readdir, readFile, mkdtemp, rm, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { ImportJobStore, readJournalRows } from '../../src/main/engine/import-jobs';
import { spawnCli, writeContactsFile } from './reliability-support';

let dir: string;
let crisp: FakeCrisp | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-run-'));
});
afterEach(async () => {
  await crisp?.close();
  crisp = null;
  await rm(dir, { recursive: true, force: true });
});

const SMALL = [
  'email;first name;last name;tags;phone;data.note',
  'jane@example.com;Jane;Doe;vip|eu;+33 6 12 34 56 78;hello',
  'not-an-email;Bob;Broken;;;=HYPERLINK("http://evil")',
  'john@example.com;John;Roe;us;;',
  'JANE@example.com;Jane;Doe;newsletter;;again',
  ';No;Email;;-5;@risk',
].join('\r\n');

function runArgs(
  file: string,
  server: FakeCrisp,
  stateDir: string,
  extra: string[] = [],
): string[] {
  return [
    'run',
    file,
    '--website',
    server.websiteId,
    '--api-url',
    server.url,
    '--state-dir',
    stateDir,
    ...extra,
  ];
}

async function allFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe('crisp-import run', () => {
  it('imports a file, reports in JSON, exports skipped rows safely, and never writes the key', async () => {
    crisp = await startFakeCrisp({});
    crisp.seedProfiles([
      { email: 'john@example.com', segments: ['existing'], person: { nickname: 'Johnny' } },
    ]);
    const file = join(dir, 'small.csv');
    await writeFile(file, SMALL);
    const stateDir = join(dir, 'state');
    const result = await spawnCli(runArgs(file, crisp, stateDir, ['--json']), crisp).done;
    expect(result.code, result.stderr).toBe(1); // completed with skipped rows
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({
      state: 'completed',
      created: 1,
      updated: 2,
      skipped: 2,
      failed: 0,
    });
    expect(out.requests).toBeGreaterThan(0);
    expect(crisp.getProfile('jane@example.com')?.segments.sort()).toEqual([
      'eu',
      'newsletter',
      'vip',
    ]);
    expect(crisp.getProfile('john@example.com')?.segments.sort()).toEqual(['existing', 'us']);

    const csv = await readFile(out.failedRowsFile, 'utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('email;first name;last name;tags;phone;data.note;row;outcome;reason');
    expect(lines[1]).toMatch(
      /^not-an-email;Bob;Broken;;;"'=HYPERLINK\(""http:\/\/evil""\)";3;skipped;/,
    );
    expect(lines[2]).toMatch(/^;No;Email;;'-5;'@risk;6;skipped;/);

    for (const path of await allFiles(stateDir)) {
      expect(await readFile(path, 'utf8'), path).not.toContain(crisp.token.key);
    }
    expect(result.stdout + result.stderr).not.toContain(crisp.token.key);
  });

  it('pauses on Ctrl-C, says how to resume, and resumes the same job with every row once', async () => {
    crisp = await startFakeCrisp({});
    const file = await writeContactsFile(dir, 2500, 5);
    crisp.seedProfiles(file.existing);
    const stateDir = join(dir, 'state');
    const args = runArgs(file.path, crisp, stateDir, [
      '--daily-budget',
      '1000000',
      '--initial-rate',
      '500',
    ]);
    const first = spawnCli(args, crisp);
    let requests = 0;
    const off = crisp.onRequest(() => {
      if (++requests === 1000) first.child.kill('SIGINT');
    });
    const paused = await first.done;
    off();
    expect(paused.code, paused.stderr).toBe(3);
    expect(paused.stdout).toMatch(/Paused at row \d+/);
    expect(paused.stdout).toMatch(/Resume with: npx crisp-import run .*--website/);

    const second = await spawnCli(args, crisp).done;
    expect(second.code, second.stderr).toBe(1);
    expect(second.stdout).toMatch(/Resuming import (\S+): \d+ rows already done/);
    const store = new ImportJobStore(stateDir);
    const { jobs } = await store.list();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.counters.read).toBe(2500);
    const rows = new Set<number>();
    let records = 0;
    for await (const r of readJournalRows(store.paths(jobs[0]!.id).journal)) {
      rows.add(r.row);
      records++;
    }
    expect(rows.size).toBe(2500);
    expect(records).toBe(2500);
  }, 60_000);

  it('refuses to resume a file that changed, and --restart begins a new job', async () => {
    crisp = await startFakeCrisp({});
    const file = await writeContactsFile(dir, 1500, 9);
    const stateDir = join(dir, 'state');
    const args = runArgs(file.path, crisp, stateDir, [
      '--daily-budget',
      '1000000',
      '--initial-rate',
      '500',
      '--exit-on-wait',
    ]);
    const first = spawnCli(args, crisp);
    let requests = 0;
    const off = crisp.onRequest(() => {
      if (++requests === 500) first.child.kill('SIGINT');
    });
    const paused = await first.done;
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    off();
    await appendFile(file.path, 'late@example.com,Late,Comer,,,,\n');
    const refused = await spawnCli(args, crisp).done;
    expect(refused.code, refused.stdout + refused.stderr).toBe(2);
    expect(refused.stderr).toMatch(
      /changed since import \S+ began: its size went from \d+ to \d+ bytes.*--restart/s,
    );
    const restarted = await spawnCli([...args, '--restart', '--json'], crisp).done;
    expect(restarted.code, restarted.stderr).toBe(1);
    expect(restarted.stdout, `no JSON on stdout; stderr: ${restarted.stderr}`).not.toBe('');
    expect(JSON.parse(restarted.stdout)).toMatchObject({ state: 'completed', rows: 1501 });
    const list = JSON.parse(
      (await spawnCli(['jobs', '--state-dir', stateDir, '--json'], null).done).stdout,
    );
    expect(list.jobs.map((j: { state: string }) => j.state).sort()).toEqual([
      'cancelled',
      'completed',
    ]);
  }, 60_000);

  it('an import larger than the day says how many days it takes and when it finishes', async () => {
    crisp = await startFakeCrisp({});
    const file = await writeContactsFile(dir, 200, 3);
    const stateDir = join(dir, 'state');
    // 60 requests a day (no reserve): this file needs several days of them.
    const args = runArgs(file.path, crisp, stateDir, [
      '--daily-budget',
      '60',
      '--reserve',
      '0',
      '--exit-on-wait',
      '--initial-rate',
      '500',
    ]);
    const started = Date.now();
    const first = await spawnCli([...args, '--json'], crisp).done;
    expect(first.code, first.stderr).toBe(3);
    const out = JSON.parse(first.stdout);
    expect(out.state).toBe('waiting_for_quota');
    expect(out.requests).toBeLessThanOrEqual(60);
    // Not "minutes left": the rest waits for the next resets (midnight UTC), days away.
    const nextReset = new Date(started);
    nextReset.setUTCHours(24, 0, 0, 0);
    expect(out.finishesAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(Date.parse(out.finishesAt)).toBeGreaterThan(nextReset.getTime() + 86_400_000);

    // Run again (the quota is still spent): the progress line and the last words say the days.
    const second = await spawnCli(args, crisp).done;
    expect(second.code, second.stderr).toBe(3);
    expect(second.stderr).toMatch(/about \d+ days, finishing around \w{3} \d{1,2} \w{3}/);
    expect(second.stdout).toMatch(
      /Still to send: about \d+ requests for \d+ contacts; about \d+ days, finishing around \w{3} \d{1,2} \w{3}/,
    );

    // `jobs` and `jobs show` say it too, from what the job left on disk.
    const list = JSON.parse(
      (await spawnCli(['jobs', '--state-dir', stateDir, '--json'], null).done).stdout,
    );
    expect(Date.parse(list.jobs[0].finishesAt)).toBeGreaterThan(nextReset.getTime() + 86_400_000);
    const text = await spawnCli(['jobs', '--state-dir', stateDir], null).done;
    expect(text.stdout).toMatch(/TIME LEFT/);
    expect(text.stdout).toMatch(/waiting_for_quota .* \d+ days, \w{3} \d{1,2} \w{3}/);
    const shown = await spawnCli(['jobs', 'show', out.job, '--state-dir', stateDir], null).done;
    expect(shown.stdout).toMatch(
      /Time left: {2}about \d+ days, finishing around .* \(when the quota comes back\)/,
    );
  }, 60_000);

  it('a dry run says what would happen and sends no write', async () => {
    crisp = await startFakeCrisp({});
    crisp.seedProfiles([{ email: 'john@example.com' }]);
    const file = join(dir, 'small.csv');
    await writeFile(file, SMALL);
    const stateDir = join(dir, 'state');
    const plain = await spawnCli(runArgs(file, crisp, stateDir, ['--dry-run', '--json']), null)
      .done;
    expect(plain.code, plain.stderr).toBe(1);
    expect(JSON.parse(plain.stdout)).toMatchObject({
      dryRun: true,
      created: 2,
      updated: 1,
      skipped: 2,
      requests: 0,
    });
    expect(crisp.requestLog()).toHaveLength(0);

    const checked = await spawnCli(
      runArgs(file, crisp, stateDir, ['--dry-run', '--check-existing']),
      crisp,
    ).done;
    expect(checked.code, checked.stderr).toBe(1);
    expect(checked.stdout).toMatch(/Dry run done: 1 would be created, 2 updated, 2 skipped/);
    expect(checked.stdout).toMatch(
      /row 2: would create jane@example\.com \(Jane Doe; segments vip, eu; data note=hello\)/,
    );
    expect(checked.stdout).toMatch(/row 3: skipped \(email: /);
    expect(crisp.requestLog().every((e) => e.method === 'HEAD' || e.method === 'GET')).toBe(true);
    expect(crisp.listProfiles()).toHaveLength(1);
  });

  it('explains bad usage and unreadable input with exit code 2', async () => {
    const file = join(dir, 'small.csv');
    await writeFile(file, SMALL);
    const noWebsite = await spawnCli(['run', file, '--state-dir', join(dir, 's')], null).done;
    expect(noWebsite.code).toBe(2);
    expect(noWebsite.stderr).toMatch(/--website/);
    const missing = await spawnCli(
      [
        'run',
        join(dir, 'nope.csv'),
        '--website',
        '8c842203-7ed8-4e29-a608-7cf78a7d2fcc',
        '--dry-run',
        '--state-dir',
        join(dir, 's'),
      ],
      null,
    ).done;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.csv/);
    const noKey = await spawnCli(
      [
        'run',
        file,
        '--website',
        '8c842203-7ed8-4e29-a608-7cf78a7d2fcc',
        '--state-dir',
        join(dir, 's'),
      ],
      null,
      {
        CRISP_IMPORTER_KEYCHAIN_SERVICE: `cli-run-test-${process.pid}-${Date.now()}`,
      },
    ).done;
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/login|CRISP_KEY|keychain/i);
  }, 60_000);

  it('lists jobs and shows one in detail', async () => {
    crisp = await startFakeCrisp({});
    const file = join(dir, 'small.csv');
    await writeFile(file, SMALL);
    const stateDir = join(dir, 'state');
    const run = JSON.parse(
      (await spawnCli(runArgs(file, crisp, stateDir, ['--json']), crisp).done).stdout,
    );
    const text = await spawnCli(['jobs', '--state-dir', stateDir], null).done;
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`${run.job}\\s+completed\\s+100.0%\\s+5`));
    const shown = await spawnCli(['jobs', 'show', run.job, '--state-dir', stateDir, '--json'], null)
      .done;
    expect(JSON.parse(shown.stdout)).toMatchObject({
      job: run.job,
      state: 'completed',
      rows: 5,
      skippedByCode: { email_invalid: 1 },
    });
    const unknown = await spawnCli(['jobs', 'show', 'no-such-job', '--state-dir', stateDir], null)
      .done;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no import with the id/);
  }, 60_000);
});
