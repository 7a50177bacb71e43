// `crisp-import scan` run as a real process on real files, each test in its own temporary folder
// (also the app's state folder, so no saved preset of the machine changes the result).
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const BIN = join(process.cwd(), 'bin', 'crisp-import.mjs');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-scan-'));
  await mkdir(join(dir, 'state'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function scan(...args: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'scan', ...args], {
      cwd: dir,
      env: { ...process.env, CRISP_IMPORTER_STATE_DIR: join(dir, 'state'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

function oneLineOf(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

function json(outcome: Outcome): Record<string, unknown> {
  expect(outcome.stderr).toBe('');
  return JSON.parse(outcome.stdout) as Record<string, unknown>;
}

/** Rows 3 (bad email) and 4 (no email) are invalid, 5 has a warning, 6 repeats row 2's email. */
const KNOWN_FILE = [
  'Email,First Name,Last Name,Country,data.plan',
  'jane@example.com,Jane,Doe,FR,pro',
  'not-an-email,Bad,Row,FR,free',
  ',No,Email,DE,free',
  'ann@example.com,Ann,Lee,Atlantis,free',
  'Jane@Example.com,Jane,Doe,FR,pro',
  '',
].join('\n');

describe('crisp-import scan', () => {
  it('prints one JSON object with the public fields', async () => {
    const path = await file('contacts.csv', KNOWN_FILE);
    const outcome = await scan(path, '--json');
    expect(outcome.code).toBe(1); // some rows cannot be imported
    const report = json(outcome);
    for (const field of [
      'encoding',
      'delimiter',
      'header',
      'columns',
      'mapping',
      'rows',
      'valid',
      'invalid',
      'warnings',
      'duplicateEmails',
      'issues',
      'estimate',
      'recognizedFormat',
    ]) {
      expect(report).toHaveProperty(field);
    }
    expect(report).toMatchObject({
      encoding: 'utf-8',
      delimiter: ',',
      header: true,
      columns: ['Email', 'First Name', 'Last Name', 'Country', 'data.plan'],
      rows: 5,
      valid: 3,
      invalid: 2,
      warnings: 1,
      duplicateEmails: 1,
      recognizedFormat: null,
      // Rows 2 and 5: create + data; row 6: update + data.
      estimate: { requests: 6, days: 1 },
    });
    expect(report.mapping).toMatchObject({ version: 1 });
    expect(report.issues).toEqual([
      {
        row: 3,
        column: 'Email',
        severity: 'error',
        code: 'email_invalid',
        message: expect.any(String),
      },
      {
        row: 4,
        column: 'Email',
        severity: 'error',
        code: 'email_missing',
        message: expect.any(String),
      },
      {
        row: 5,
        column: 'Country',
        severity: 'warning',
        code: 'country_unknown',
        message: expect.stringContaining('Atlantis'),
      },
    ]);
  });

  it('counts days at the quota given and exits 0 when every row can be imported', async () => {
    const lines = ['email,first_name,data.plan'];
    for (let i = 0; i < 30; i++) lines.push(`p${i}@example.com,P${i},pro`);
    const path = await file('good.csv', `${lines.join('\n')}\n`);
    const outcome = await scan(path, '--quota', '25', '--json');
    expect(outcome.code).toBe(0);
    expect(json(outcome)).toMatchObject({
      rows: 30,
      valid: 30,
      estimate: { requests: 60, days: 3, requestsPerDay: 25 },
    });
  });

  it('reads a European semicolon file, detected or chosen by name or symbol', async () => {
    const path = await file(
      'europe.csv',
      'E-Mail;Vorname;Nachname;data.umsatz\r\nanna@example.de;Anna;Müller;1234,56\r\nlena@example.de;Lena;Groß;0,99\r\n',
    );
    for (const args of [[], ['--delimiter', ';'], ['--delimiter', 'semicolon']]) {
      const report = json(await scan(path, ...args, '--json'));
      expect(report).toMatchObject({ delimiter: ';', header: true, rows: 2, valid: 2, invalid: 0 });
      expect(report.columns).toEqual(['E-Mail', 'Vorname', 'Nachname', 'data.umsatz']);
    }
  });

  it('reads tab-separated files with --delimiter tab or \\t', async () => {
    const path = await file('tabs.tsv', 'email\tname\nann@example.com\tAnn\nbo@example.com\tBo\n');
    for (const delimiter of ['tab', '\\t']) {
      const report = json(await scan(path, '--delimiter', delimiter, '--json'));
      expect(report).toMatchObject({ delimiter: '\t', rows: 2, valid: 2 });
    }
  });

  it('reads a file without a header row with --no-header', async () => {
    const path = await file('plain.csv', 'ann@example.com,Ann\nbo@example.com,Bo\n');
    const report = json(await scan(path, '--no-header', '--json'));
    expect(report).toMatchObject({
      header: false,
      columns: ['Column 1', 'Column 2'],
      rows: 2,
      valid: 2,
    });
    expect((report.issues as { row: number }[])[0]!.row).toBe(1);
  });

  it('uses a mapping file and a preset by name', async () => {
    const path = await file('contacts.csv', KNOWN_FILE);
    const mapping = {
      version: 1,
      columns: [
        { column: 'Email', index: 0, target: { kind: 'field', field: 'email' } },
        { column: 'data.plan', index: 4, target: { kind: 'data', key: 'plan' } },
      ],
    };
    const mappingPath = await file('m.json', JSON.stringify(mapping));
    const report = json(await scan(path, '--mapping', mappingPath, '--json'));
    expect(report.mapping).toEqual({ ...mapping, emptyCells: 'clear', extraSegments: [] });
    expect(report.mappingSource).toMatchObject({ origin: 'given' });
    // Names are not mapped: every valid row has an inferred name.
    expect(report).toMatchObject({ valid: 3, warnings: 3 });

    const shopify = await file(
      'customers_export.csv',
      'Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address City,Default Address Country Code,Phone,Total Spent,Total Orders,Note,Tax Exempt,Tags\n1,Teo,Villa,teo@elko.example,no,Ranch,Elko,US,+17755550154,7790.44,6,,yes,retail\n',
    );
    const recognized = json(await scan(shopify, '--json'));
    expect(recognized.recognizedFormat).toMatchObject({
      id: 'shopify-customers',
      message: 'This looks like a Shopify customers export.',
    });
    const chosen = json(await scan(shopify, '--preset', 'Shopify customers', '--json'));
    expect(chosen.mappingSource).toMatchObject({
      origin: 'built-in',
      presetId: 'shopify-customers',
    });
  });

  it('prints a readable summary without --json, and every issue with --issues-csv', async () => {
    const path = await file('contacts.csv', KNOWN_FILE);
    const outcome = await scan(path, '--issues-csv', 'issues.csv');
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toBe('');
    const text = outcome.stdout;
    expect(text).toContain('Read as: UTF-8, comma separator, row 1 holds the column names');
    expect(text).toContain('Rows: 5');
    expect(text).toContain('3 will be imported');
    expect(text).toContain('2 cannot be imported and will be skipped');
    expect(text).toContain('1 row repeats an email from an earlier row (row 6)');
    expect(text).toMatch(/Error\s+email_invalid in column "Email": 1 time \(row 3\)/);
    expect(text).toMatch(/Warning country_unknown in column "Country": 1 time \(row 5\)/);
    expect(text).toContain('Estimate: 6 Crisp requests, 1 day at 10,000 requests a day');
    const csv = await readFile(join(dir, 'issues.csv'), 'utf8');
    expect(csv.split('\r\n').slice(0, 2)).toEqual([
      'row,column,severity,code,message',
      expect.stringMatching(/^3,Email,error,email_invalid,/),
    ]);
  });

  it('says in one line that an XLSX renamed to .csv must be exported as CSV (exit 2)', async () => {
    const zip = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
      Buffer.from('[Content_Types].xml xl/workbook.xml'),
      Buffer.alloc(100, 0),
    ]);
    const path = await file('contacts.csv', zip);
    const outcome = await scan(path, '--json');
    expect(outcome.code).toBe(2);
    // Issue 10: with --json the error is one JSON object on stdout (the line stays on stderr).
    expect(JSON.parse(outcome.stdout)).toEqual({
      error: { code: 'spreadsheet_file', message: expect.stringMatching(/Excel workbook.*CSV/) },
    });
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(outcome.stderr).toMatch(/Excel workbook.*not a CSV file.*CSV/);
  });

  it(
    'exits 2 with one plain line for every bad argument or unreadable file',
    { timeout: 120_000 },
    async () => {
      const path = await file('contacts.csv', KNOWN_FILE);
      await file('not-json.json', '{ version: 1,');
      await file(
        'not-mapping.json',
        JSON.stringify({ version: 1, columns: [{ column: 'Email' }] }),
      );
      await file('empty.csv', '');
      await file('header-only.csv', 'email,name\n');
      const cases: [string[], RegExp][] = [
        [[], /missing required argument 'file'/],
        [[path, 'extra'], /too many arguments/],
        [[path, '--bogus'], /unknown option '--bogus'/],
        [[path, '--delimiter'], /argument missing/],
        [[path, '--delimiter', 'x'], /--delimiter: "x" is not a separator/],
        [[path, '--encoding', 'klingon'], /--encoding: "klingon" is not an encoding/],
        [[path, '--quota', '0'], /--quota: "0" is not a number of requests a day/],
        [[path, '--quota', 'lots'], /--quota: "lots"/],
        [
          [path, '--mapping', 'missing.json'],
          /--mapping: missing.json cannot be read \(it does not exist\)/,
        ],
        [[path, '--mapping', 'not-json.json'], /--mapping: not-json.json is not valid JSON/],
        [
          [path, '--mapping', 'not-mapping.json'],
          /--mapping: not-mapping.json is not a mapping.*columns\.0/,
        ],
        [
          [path, '--preset', 'Nowhere CRM'],
          /--preset: no built-in or saved preset is called "Nowhere CRM"/,
        ],
        [
          [path, '--preset', 'hubspot-contacts', '--mapping', 'not-json.json'],
          /give only one of them/,
        ],
        [
          [path, '--issues-csv', join('no-such-folder', 'x.csv')],
          /--issues-csv: .*cannot be created: its folder does not exist/,
        ],
        [['missing.csv'], /missing\.csv cannot be read\. It does not exist/],
        [[dir], /is a folder, not a file/],
        [['empty.csv'], /The file is empty/],
        // header-only.csv is no longer an error (issue 10): see "answers rows: 0" below.
      ];
      const outcomes = await Promise.all(cases.map(([args]) => scan('--json', ...args)));
      outcomes.forEach((outcome, i) => {
        const [args, expected] = cases[i]!;
        const label = `scan ${args.join(' ')}`;
        expect(outcome.code, label).toBe(2);
        // Issue 10: with --json the error is also one JSON object on stdout.
        const answer = JSON.parse(outcome.stdout) as { error: { code: string; message: string } };
        expect(Object.keys(answer), label).toEqual(['error']);
        expect(answer.error.code, label).toMatch(/^[a-z_]+$/);
        expect(oneLineOf(answer.error.message), label).toMatch(expected);
        const lines = outcome.stderr.trimEnd().split('\n');
        expect(lines, label).toHaveLength(1);
        expect(lines[0], label).toMatch(expected);
        expect(lines[0], label).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
      });
    },
  );
});
