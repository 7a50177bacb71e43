// `crisp-import scan` and `run` on Excel workbooks the tests write, as real processes against the
// fake Crisp over loopback: sheet choice and its errors in JSON, an import killed with SIGKILL and
// resumed at its row, a workbook changed before the resume refused, the failed rows as a CSV.
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { spawnCli } from './reliability-support';
import { writeLargeWorkbook, writeWorkbook } from './workbook-support';

let dir: string;
let crisp: FakeCrisp | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-workbook-'));
});
afterEach(async () => {
  await crisp?.close();
  crisp = null;
  await rm(dir, { recursive: true, force: true });
});

function runArgs(file: string, server: FakeCrisp, extra: string[] = []): string[] {
  return [
    'run',
    file,
    '--website',
    server.websiteId,
    '--api-url',
    server.url,
    '--state-dir',
    join(dir, 'state'),
    '--json',
    '--daily-budget',
    '10000000',
    '--initial-rate',
    '2000',
    ...extra,
  ];
}

async function twoSheets(): Promise<string> {
  const path = join(dir, 'contacts.xlsx');
  await writeWorkbook(path, [
    { name: 'Notes', rows: [['Read me'], ['These are the contacts of the fair']] },
    {
      name: 'Fair 2024',
      rows: [
        ['Exported from the CRM'],
        ['Email', 'First name', 'Phone', 'data.zip', 'data.amount'],
        ['ana@example.com', 'Ana', '+33612345678', '01234', 3667.19],
        ['not an email', 'Bob', '', '', 1],
        ['cy@example.com', 'Cy', '', '75001', 2],
      ],
    },
  ]);
  return path;
}

describe('crisp-import with a workbook', () => {
  it('scans the sheet with contacts, takes --sheet by name or number, and says an unknown sheet in JSON', async () => {
    const path = await twoSheets();
    const state = ['--state-dir', join(dir, 'state'), '--json'];
    const scanned = await spawnCli(['scan', path, ...state], null).done;
    expect(scanned.code, scanned.stderr).toBe(1); // one row cannot be imported
    const report = JSON.parse(scanned.stdout);
    expect(report).toMatchObject({
      sheet: 'Fair 2024',
      sheets: [
        { name: 'Notes', number: 1 },
        { name: 'Fair 2024', number: 2 },
      ],
      headerRow: 2,
      rows: 3,
      valid: 2,
      invalid: 1,
    });

    const byNumber = await spawnCli(['scan', path, '--sheet', '2', ...state], null).done;
    expect(JSON.parse(byNumber.stdout)).toMatchObject({ sheet: 'Fair 2024', rows: 3 });
    const notes = await spawnCli(['scan', path, '--sheet', 'notes', ...state], null).done;
    expect(JSON.parse(notes.stdout)).toMatchObject({ sheet: 'Notes' });

    const unknown = await spawnCli(['scan', path, '--sheet', 'Leads', ...state], null).done;
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: { code: 'sheet_not_found', message: expect.stringMatching(/“Notes”, “Fair 2024”/) },
    });

    const csv = join(dir, 'contacts.csv');
    await writeFile(csv, 'email\na@example.com\n');
    const onCsv = await spawnCli(['scan', csv, '--sheet', '1', ...state], null).done;
    expect(onCsv.code).toBe(2);
    expect(JSON.parse(onCsv.stdout).error.code).toBe('not_a_workbook');
  });

  it('imports the cells as written and exports the skipped rows as a CSV Excel opens', async () => {
    crisp = await startFakeCrisp({});
    const path = await twoSheets();
    const result = await spawnCli(runArgs(path, crisp), crisp).done;
    expect(result.code, result.stderr).toBe(1); // completed, one row skipped
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ state: 'completed', created: 2, skipped: 1, failed: 0 });
    const ana = crisp.getProfile('ana@example.com');
    expect(ana?.person).toMatchObject({ nickname: 'Ana', phone: '+33612345678' });
    expect(ana?.data).toMatchObject({ zip: '01234', amount: 3667.19 });

    const failed = await readFile(out.failedRowsFile, 'utf8');
    expect(failed.startsWith('\ufeff')).toBe(true);
    const lines = failed.slice(1).trim().split('\r\n');
    expect(lines[0]).toBe('Email,First name,Phone,data.zip,data.amount,row,outcome,reason');
    expect(lines[1]).toMatch(/^not an email,Bob,,,1,4,skipped,/);
  });

  it(
    'resumes an import killed with SIGKILL at its row, every contact once, and refuses a workbook changed since',
    { timeout: 120_000 },
    async () => {
      const ROWS = 3000;
      const path = join(dir, 'big.xlsx');
      const row = (i: number) => [
        `person.${i}@example.com`,
        `Name ${i}`,
        `+3361234${String(i).padStart(4, '0')}`,
      ];
      await writeLargeWorkbook(path, ROWS, row, ['Email', 'First name', 'Phone']);
      crisp = await startFakeCrisp({});
      const server = crisp;

      const first = spawnCli(runArgs(path, server), server);
      let requests = 0;
      const stop = server.onRequest(() => {
        if (++requests === 600) first.child.kill('SIGKILL');
      });
      const killed = await first.done;
      stop();
      expect(killed.signal).toBe('SIGKILL');
      const before = server.listProfiles().length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(ROWS);

      const resumed = await spawnCli(runArgs(path, server), server).done;
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr + resumed.stdout).not.toMatch(/Error/);
      const out = JSON.parse(resumed.stdout);
      expect(out).toMatchObject({ state: 'completed', rows: ROWS, failed: 0, skipped: 0 });
      expect(server.listProfiles()).toHaveLength(ROWS);
      expect(server.getProfile('person.2999@example.com')?.person).toMatchObject({
        nickname: 'Name 2999',
        phone: '+33612342999',
      });

      // A second import killed, then the workbook changed (same modification time) before the resume.
      const other = join(dir, 'other.xlsx');
      await writeLargeWorkbook(other, ROWS, (i) => [`other.${i}@example.com`, `N ${i}`, ''], [
        'Email',
        'Name',
        'Phone',
      ]);
      const second = spawnCli(runArgs(other, server), server);
      requests = 0;
      const stop2 = server.onRequest(() => {
        if (++requests === 300) second.child.kill('SIGKILL');
      });
      expect((await second.done).signal).toBe('SIGKILL');
      stop2();
      const { mtime } = await stat(other);
      await writeLargeWorkbook(other, ROWS, (i) => [`other.${i}@example.com`, `M ${i}`, ''], [
        'Email',
        'Name',
        'Phone',
      ]);
      await utimes(other, mtime, mtime);
      const refused = await spawnCli(runArgs(other, server), server).done;
      expect(refused.code).toBe(2);
      expect(JSON.parse(refused.stdout).error.message).toMatch(/changed/);
    },
  );
});
