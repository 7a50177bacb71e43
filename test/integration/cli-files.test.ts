// Files as staff have them (issue 10), end to end: `crisp-import scan` and `run` as real
// processes on real files, against the fake Crisp over loopback, a temporary folder each.
import { readFile, mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeCrisp, type FakeCrisp } from '../../src/main/engine/fake-crisp';
import { ImportJobStore } from '../../src/main/engine/import-jobs';
import { PresetStore } from '../../src/main/engine/presets';
import { spawnCli } from './reliability-support';

let dir: string;
let stateDir: string;
let crisp: FakeCrisp | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-files-'));
  stateDir = join(dir, 'state');
  await mkdir(stateDir);
});
afterEach(async () => {
  await crisp?.close();
  crisp = null;
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

const env = () => ({ CRISP_IMPORTER_STATE_DIR: stateDir });

async function scan(...args: string[]) {
  return spawnCli(['scan', ...args], null, env()).done;
}

async function run(server: FakeCrisp, path: string, ...extra: string[]) {
  return spawnCli(
    [
      'run',
      path,
      '--website',
      server.websiteId,
      '--api-url',
      server.url,
      '--state-dir',
      stateDir,
      ...extra,
    ],
    server,
    env(),
  ).done;
}

/** The one JSON object a --json command prints on stdout (and nothing else). */
function jsonOf(outcome: { stdout: string; stderr: string }): Record<string, unknown> {
  expect(outcome.stdout, outcome.stderr).toMatch(/^\{[\s\S]*\}\n$/);
  return JSON.parse(outcome.stdout) as Record<string, unknown>;
}

/** A report export: title lines, a blank line, the column names on row 5, a Total line. */
const REPORT = [
  'Contacts report',
  'Generated 2024-01-05 10:00 by Jane Admin',
  'Filter: all contacts',
  '',
  'Email,First Name,Last Name,Phone,Tags,data.AppVersionCode',
  "jane@example.com,Jane,Doe,'+33612345678,vip|eu,12",
  "bob@example.com,'=Bob,Roe,,'@risk,7",
  'a/b@example.com,Slash,Person,,,1',
  'what?@example.com,Question,Mark,,,1',
  'x#y@example.com,Hash,Sign,,,1',
  'jörg@example.de,Jörg,Weiß,,,1',
  'lena@bücher.de,Lena,Groß,,,1',
  'Total,,,,,7',
  '',
].join('\r\n');

describe('crisp-import scan on files as people have them', () => {
  it('finds the column names under title lines, skips the Total line, and says so', async () => {
    const path = await file('report.csv', REPORT);
    const outcome = await scan(path, '--json');
    expect(outcome.code, outcome.stderr).toBe(1); // 4 emails cannot be imported
    const report = jsonOf(outcome);
    expect(report).toMatchObject({
      header: true,
      headerRow: 5,
      skippedRows: [
        { row: 1, text: 'Contacts report' },
        { row: 2, text: 'Generated 2024-01-05 10:00 by Jane Admin' },
        { row: 3, text: 'Filter: all contacts' },
      ],
      rows: 7,
      valid: 3,
      invalid: 4,
      reportLines: [{ row: 13, kind: 'total', text: 'Total' }],
    });
    expect((report.notes as string[]).join(' ')).toMatch(
      /column names are on row 5 \(detected\); rows 1–4 are above them .* are skipped.*Row 13 \(“Total”\) is a total line/,
    );
    const issues = report.issues as { row: number; code: string; message: string }[];
    expect(issues.filter((i) => i.code === 'email_unsupported').map((i) => i.row)).toEqual([
      8, 9, 10, 11,
    ]);
    expect(issues.find((i) => i.code === 'email_domain_ascii')).toMatchObject({ row: 12 });
    // The custom data key is proposed as Crisp accepts it, and the fix-up is shown.
    const columns = (report.mapping as { columns: { column: string; target: unknown }[] }).columns;
    expect(columns.at(-1)).toMatchObject({
      column: 'data.AppVersionCode',
      target: { kind: 'data', key: 'app_version_code' },
    });
    expect(report.mappingIssues).toEqual([
      expect.objectContaining({ code: 'data_key_fixed', column: 'data.AppVersionCode' }),
    ]);

    const text = await scan(path);
    expect(text.stdout).toContain('Read as: UTF-8, comma separator, row 5 holds the column names');
  });

  it('reads the header row given with --header-row, and answers in JSON when it cannot', async () => {
    const path = await file('report.csv', REPORT);
    const given = jsonOf(await scan(path, '--header-row', '5', '--json'));
    expect(given).toMatchObject({ headerRow: 5, rows: 7 });
    expect((given.notes as string[]).join(' ')).toMatch(/on row 5 \(your choice\)/);

    const blank = await scan(path, '--header-row', '4', '--json');
    expect(blank.code).toBe(2);
    expect(jsonOf(blank)).toEqual({
      error: { code: 'header_row_invalid', message: expect.stringMatching(/Row 4 .* is empty/) },
    });
    expect(blank.stderr).toMatch(/Row 4 of the file is empty/);
    const badArgs = [
      ['--header-row', '0'],
      ['--header-row', 'five'],
      ['--header-row', '5', '--no-header'],
    ];
    const outcomes = await Promise.all(badArgs.map((args) => scan(path, ...args, '--json')));
    for (const [i, args] of badArgs.entries()) {
      const bad = outcomes[i]!;
      expect(bad.code, args.join(' ')).toBe(2);
      expect(jsonOf(bad), args.join(' ')).toMatchObject({
        error: { code: 'usage', message: expect.stringMatching(/--header-row|--no-header/) },
      });
    }
  });

  it("reads Excel's sep= line and a LinkedIn-style Notes: preamble", async () => {
    const sep = await file(
      'excel.csv',
      'sep=;\r\nE-mail;Name;2023;2024\r\nann@example.com;Ann;5;6\r\n',
    );
    expect(jsonOf(await scan(sep, '--json'))).toMatchObject({
      delimiter: ';',
      headerRow: 2,
      columns: ['E-mail', 'Name', '2023', '2024'],
      rows: 1,
      valid: 1,
    });
    const notes = await file(
      'Connections.csv',
      [
        'Notes:',
        '"When exporting your connection data, you may notice that some of the email addresses are missing. You can learn more here: https://www.linkedin.com/help/linkedin/answer/566336"',
        '',
        'First Name,Last Name,URL,Email Address,Company,Position,Connected On',
        'John,Smith,https://www.linkedin.com/in/john,,Acme,CTO,12 Jan 2023',
        'Ann,Lee,https://www.linkedin.com/in/ann,ann@example.com,Beta,CEO,13 Jan 2023',
        '',
      ].join('\n'),
    );
    const report = jsonOf(await scan(notes, '--json'));
    expect(report).toMatchObject({ headerRow: 4, rows: 2, valid: 1 });
    expect(report.issues).toEqual([
      expect.objectContaining({ row: 5, column: 'Email Address', code: 'email_missing' }),
    ]);
  });

  it('answers rows: 0 with an issue for a file with column names and no contacts', async () => {
    const path = await file('header-only.csv', 'email,name\n');
    for (const args of [['--json'], []]) {
      const outcome = await scan(path, ...args);
      expect(outcome.code, outcome.stderr).toBe(1);
      expect(outcome.stderr).toBe('');
      if (args.length === 0) {
        expect(outcome.stdout).toMatch(/Rows: 0[\s\S]*no_contacts/);
        continue;
      }
      expect(jsonOf(outcome)).toMatchObject({
        rows: 0,
        valid: 0,
        invalid: 0,
        issues: [
          {
            row: 1,
            column: null,
            severity: 'error',
            code: 'no_contacts',
            message: expect.stringMatching(/no contacts under them/),
          },
        ],
      });
    }
  });

  it('says a mapping the import would refuse is a problem, and the import refuses it the same way', async () => {
    crisp = await startFakeCrisp({});
    const path = await file('contacts.csv', 'Email,Company Name\nann@example.com,Acme\n');
    const mapping = await file(
      'mapping.json',
      JSON.stringify({
        version: 1,
        columns: [
          { column: 'Email', index: 0, target: { kind: 'field', field: 'email' } },
          { column: 'Company Name', index: 1, target: { kind: 'data', key: 'Company Name' } },
        ],
      }),
    );
    const checked = await scan(path, '--mapping', mapping, '--json');
    expect(checked.code).toBe(1);
    expect(jsonOf(checked).mappingIssues).toEqual([
      expect.objectContaining({ code: 'data_key_invalid', suggestion: 'company_name' }),
    ]);
    const refused = await run(crisp, path, '--mapping', mapping, '--json');
    expect(refused.code).toBe(2);
    expect(jsonOf(refused)).toMatchObject({ error: { code: 'mapping_invalid' } });
    expect(crisp.requestLog()).toEqual([]);
  });

  it('uses the header row saved with a preset', async () => {
    // Detection takes row 1 (a wide line of names, no email in the file); the preset says row 2.
    const path = await file('export.csv', 'Export,March\nKennung,Bezeichnung\nK1,Alpha\nK2,Beta\n');
    expect(jsonOf(await scan(path, '--json'))).toMatchObject({ headerRow: 1 });
    await new PresetStore(stateDir).save({
      name: 'Monthly export',
      headers: ['Kennung', 'Bezeichnung'],
      mapping: {
        version: 1,
        columns: [{ column: 'Kennung', index: 0, target: { kind: 'field', field: 'email' } }],
        emptyCells: 'clear',
        extraSegments: [],
      },
      format: { headerRow: 2 },
    });
    const report = jsonOf(await scan(path, '--preset', 'Monthly export', '--json'));
    expect(report).toMatchObject({ headerRow: 2, columns: ['Kennung', 'Bezeichnung'], rows: 2 });
  });

  it('switches to Windows-1252 when its first accented letter comes after the sample', async () => {
    const padding = Array.from({ length: 3000 }, (_, i) => `user${i}@example.com,User,Number${i}`);
    const path = await file(
      'late.csv',
      Buffer.concat([
        Buffer.from(['Email,First Name,Last Name', ...padding, ''].join('\r\n')),
        iconv.encode('helene@example.com,Hélène,Dupré\r\n', 'windows-1252'),
      ]),
    );
    const report = jsonOf(await scan(path, '--json'));
    expect(report).toMatchObject({
      encoding: 'windows-1252',
      detected: { encoding: 'windows-1252' },
      encodingSwitchedAtRow: 3002,
      rows: 3001,
      valid: 3001,
      invalid: 0,
      issueCount: 0,
    });
    expect((report.notes as string[])[0]).toMatch(
      /^Encoding: Windows-1252 .*from row 3,002 on it holds bytes that are not UTF-8/,
    );
  });
});

describe('crisp-import run on files as people have them', () => {
  it('imports what the scan says it will: title lines, Total line, odd emails, data keys, protected cells', async () => {
    crisp = await startFakeCrisp({}); // custom data keys: lower case only, as the sandbox
    const path = await file('report.csv', REPORT);
    const checked = jsonOf(await scan(path, '--json'));
    const outcome = await run(crisp, path, '--json');
    expect(outcome.code, outcome.stderr).toBe(1);
    const result = jsonOf(outcome);
    expect(result).toMatchObject({
      state: 'completed',
      rows: checked.rows,
      created: checked.valid,
      skipped: checked.invalid,
      failed: 0,
      skippedByCode: { email_unsupported: 4 },
    });
    expect(crisp.getProfile('jane@example.com')).toMatchObject({
      person: { nickname: 'Jane Doe', phone: '+33612345678' },
      segments: ['vip', 'eu'],
      data: { app_version_code: 12 },
    });
    expect(crisp.getProfile('bob@example.com')).toMatchObject({
      person: { nickname: '=Bob Roe' },
      segments: ['@risk'],
    });
    expect(crisp.getProfile('lena@xn--bcher-kva.de')?.person.nickname).toBe('Lena Groß');
    expect(crisp.listProfiles()).toHaveLength(3);
    // No refused email ever reached Crisp, and nothing was created and then failed.
    const paths = crisp.requestLog().map((entry) => decodeURIComponent(entry.path));
    expect(paths.some((p) => /a\/b@|what|x#y|jörg|j%C3%B6rg|total/i.test(p))).toBe(false);
    const job = (await new ImportJobStore(stateDir).list()).jobs[0]!;
    expect(job.layout.format).toMatchObject({ headerRow: 5 });
  }, 60_000);

  it('imports a fixed failed-rows file again with the values as they were', async () => {
    crisp = await startFakeCrisp({});
    const path = await file(
      'small.csv',
      'email;first name;last name;phone;tags;data.note\r\n' +
        'not-an-email;=Bob;Broken;+33612345678;-vip;@risk\r\n' +
        'ok@example.com;Ok;Person;;;\r\n',
    );
    const first = jsonOf(await run(crisp, path, '--json'));
    expect(first).toMatchObject({ created: 1, skipped: 1 });
    const failed = await readFile(first.failedRowsFile as string, 'utf8');
    expect(failed).toContain("not-an-email;'=Bob;Broken;'+33612345678;'-vip;'@risk;2;skipped;");
    // The person fixes the email in the spreadsheet and imports the file again.
    const fixed = await file('fixed.csv', failed.replace('not-an-email', 'bob@example.com'));
    const second = jsonOf(await run(crisp, fixed, '--json'));
    expect(second).toMatchObject({ state: 'completed', created: 1, skipped: 0, failed: 0 });
    expect(crisp.getProfile('bob@example.com')).toMatchObject({
      person: { nickname: '=Bob Broken', phone: '+33612345678' },
      segments: ['-vip'],
      data: { note: '@risk' },
    });
  }, 60_000);

  it('records the encoding found late in the job, and a resume reads the file the same way', async () => {
    crisp = await startFakeCrisp({});
    // 64 KiB and more of ASCII in 300 rows, then Windows-1252 rows.
    const note = 'x'.repeat(230);
    const ascii = Array.from({ length: 300 }, (_, i) => `user${i}@example.com,User,N${i},${note}`);
    const accented = Array.from(
      { length: 20 },
      (_, i) => `accent${i}@example.com,Hélène,Dupré${i},café`,
    );
    const path = await file(
      'late.csv',
      Buffer.concat([
        Buffer.from(['Email,First Name,Last Name,Notes', ...ascii, ''].join('\r\n')),
        iconv.encode(accented.join('\r\n') + '\r\n', 'windows-1252'),
      ]),
    );
    const args = [
      'run',
      path,
      '--website',
      crisp.websiteId,
      '--api-url',
      crisp.url,
      '--state-dir',
      stateDir,
      '--daily-budget',
      '1000000',
      '--initial-rate',
      '500',
    ];
    const first = spawnCli(args, crisp, env());
    let requests = 0;
    const off = crisp.onRequest(() => {
      if (++requests === 100) first.child.kill('SIGINT');
    });
    const paused = await first.done;
    off();
    expect(paused.code, paused.stdout + paused.stderr).toBe(3);
    expect(paused.stdout).toMatch(/Encoding: Windows-1252 .*found by reading the whole file/);
    const store = new ImportJobStore(stateDir);
    const [job] = (await store.list()).jobs;
    expect(job!.layout.format.encoding).toBe('windows-1252');

    const second = await spawnCli([...args, '--json'], crisp, env()).done;
    expect(second.code, second.stderr).toBe(0);
    expect(jsonOf(second)).toMatchObject({ state: 'completed', rows: 320, failed: 0, skipped: 0 });
    expect((await store.list()).jobs).toHaveLength(1);
    for (let i = 0; i < 20; i++) {
      expect(crisp.getProfile(`accent${i}@example.com`)?.person.nickname).toBe(`Hélène Dupré${i}`);
    }
  }, 90_000);

  it('answers every error in JSON with the documented exit code', async () => {
    const path = await file('contacts.csv', 'email,name\na@example.com,Ann\n');
    const cases: [string[], number, string][] = [
      [['run', path, '--json', '--state-dir', stateDir], 2, 'usage'],
      [
        [
          'run',
          join(dir, 'nope.csv'),
          '--website',
          '8c842203-7ed8-4e29-a608-7cf78a7d2fcc',
          '--dry-run',
          '--json',
          '--state-dir',
          stateDir,
        ],
        2,
        'file_unreadable',
      ],
      [['run', path, '--bogus', '--json'], 2, 'usage'],
      [['run', path, '--sandbox', '--header-row', 'x', '--json'], 2, 'usage'],
      [['jobs', 'show', 'no-such-job', '--state-dir', stateDir, '--json'], 2, 'usage'],
      [['scan', join(dir, 'missing.csv'), '--json'], 2, 'file_unreadable'],
    ];
    const outcomes = await Promise.all(cases.map(([args]) => spawnCli(args, null, env()).done));
    for (const [i, [args, code, errorCode]] of cases.entries()) {
      const outcome = outcomes[i]!;
      expect(outcome.code, args.join(' ')).toBe(code);
      expect(jsonOf(outcome), args.join(' ')).toEqual({
        error: { code: errorCode, message: expect.any(String) },
      });
    }
  }, 60_000);
});
