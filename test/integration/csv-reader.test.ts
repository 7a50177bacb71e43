import { Buffer } from 'node:buffer';
import { mkdtemp, rm, truncate, writeFile, appendFile, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvEncoding } from '../../src/shared/csv-format';
import {
  CsvFileError,
  detectCsvFormat,
  previewCsv,
  readCsvRecords,
  type CsvDetection,
  type CsvRecord,
} from '../../src/main/engine/csv-reader';

let dir: string;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csv-reader-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string | Buffer, name = 'contacts.csv'): Promise<string> {
  const path = join(dir, `${++fileCount}-${name}`);
  await writeFile(path, content);
  return path;
}

function encode(text: string, encoding: CsvEncoding, bom = false): Buffer {
  let bytes: Buffer;
  if (encoding === 'utf-8') bytes = Buffer.from(text, 'utf8');
  else if (encoding === 'utf-16le') bytes = Buffer.from(text, 'utf16le');
  else if (encoding === 'utf-16be') bytes = Buffer.from(text, 'utf16le').swap16();
  else bytes = iconv.encode(text, encoding);
  if (!bom) return bytes;
  return Buffer.concat([encode('\uFEFF', encoding), bytes]);
}

function csvLine(fields: string[]): string {
  return fields.map((f) => (/[",;\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(',');
}

/** A file built record by record, with each record's byte offset computed independently. */
function buildFile(
  rows: string[][],
  encoding: CsvEncoding,
  options: { bom?: boolean; lineEnd?: string } = {},
): { bytes: Buffer; offsets: number[] } {
  const lineEnd = options.lineEnd ?? '\r\n';
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let size = 0;
  if (options.bom) {
    const bom = encode('\uFEFF', encoding);
    parts.push(bom);
    size += bom.length;
  }
  for (const row of rows) {
    offsets.push(size);
    const line = encode(csvLine(row) + lineEnd, encoding);
    parts.push(line);
    size += line.length;
  }
  return { bytes: Buffer.concat(parts), offsets };
}

async function readAll(
  path: string,
  detection: CsvDetection,
  options: Parameters<typeof readCsvRecords>[2] = {},
): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of readCsvRecords(path, detection, options)) records.push(record);
  return records;
}

async function failure(promise: Promise<unknown>): Promise<CsvFileError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CsvFileError);
    return error as CsvFileError;
  }
  throw new Error('expected a CsvFileError');
}

const HEADER = ['email', 'first_name', 'last_name', 'notes'];
const MULTIBYTE_ROWS = [
  ['jose@example.com', 'José', 'García', 'Called, wants a "demo"'],
  ['weiss@example.de', 'Jürgen', 'Weiß', 'Line one\nLine two'],
  ['li@example.cn', '李', '王', '🎉 loyal customer'],
  ['zoe@example.fr', 'Zoë', 'Lefèvre', ''],
  ['emoji@example.com', '😀😀', 'Ømer', 'a;b|c\ttab'],
];
const WESTERN_ROWS = [
  ['jose@example.com', 'José', 'García', 'Called, wants a "demo" – €5'],
  ['weiss@example.de', 'Jürgen', 'Weiß', 'Line one\nLine two'],
  ['zoe@example.fr', 'Zoë', 'Lefèvre', '“quoted” ’tis'],
];

describe('CSV reader: structure', () => {
  it.each([
    ['CRLF', '\r\n'],
    ['LF', '\n'],
    ['CR', '\r'],
  ])(
    'reads quoted separators, doubled quotes and line breaks with %s line endings',
    async (_, eol) => {
      const path = await fileWith(
        [
          'email,name,notes',
          'a@example.com,"Doe, Jane","She said ""hi"""',
          `b@example.com,Bob,"first line${eol}second line"`,
          'c@example.com,,',
        ].join(eol) + eol,
      );
      const detection = await detectCsvFormat(path);
      expect(detection.headers).toEqual(['email', 'name', 'notes']);
      const records = await readAll(path, detection);
      expect(records.map((r) => [r.row, r.fields])).toEqual([
        [2, ['a@example.com', 'Doe, Jane', 'She said "hi"']],
        [3, ['b@example.com', 'Bob', `first line${eol}second line`]],
        [4, ['c@example.com', '', '']],
      ]);
      expect(records.every((r) => r.issues.length === 0)).toBe(true);
    },
  );

  it('skips blank lines but counts them in row numbers, as a spreadsheet shows them', async () => {
    const path = await fileWith(
      'email,name\n\na@example.com,A\n\n\nb@example.com,B\n,\n   \nc@example.com,C',
    );
    const { detection, records } = await previewCsv(path);
    expect(detection.dataStartRow).toBe(3);
    expect(records.map((r) => [r.row, r.fields[0]])).toEqual([
      [3, 'a@example.com'],
      [6, 'b@example.com'],
      [9, 'c@example.com'],
    ]);
  });

  it('reports rows with too few or too many values on that row, and says what to do', async () => {
    const path = await fileWith(
      'email,first,last\na@x.com,A\nb@x.com,B,C,,\nc@x.com,C,D,extra\nd@x.com,D,E\n',
    );
    const records = await readAll(path, await detectCsvFormat(path));
    const [few, emptyExtra, extra, fine] = records;
    expect(few!.fields).toEqual(['a@x.com', 'A', '']);
    expect(few!.issues).toEqual([
      expect.objectContaining({ row: 2, code: 'too_few_fields', severity: 'warning' }),
    ]);
    expect(few!.issues[0]!.message).toContain('last is treated as empty');
    expect(emptyExtra!.issues).toEqual([
      expect.objectContaining({ row: 3, code: 'too_many_fields', severity: 'warning' }),
    ]);
    expect(extra!.issues).toEqual([
      expect.objectContaining({ row: 4, code: 'too_many_fields', severity: 'error' }),
    ]);
    expect(extra!.fields).toEqual(['c@x.com', 'C', 'D', 'extra']);
    expect(extra!.issues[0]!.message).toMatch(
      /Put quotes around values that contain the separator \(comma\)/,
    );
    expect(fine!.issues).toEqual([]);
  });

  it('keeps text after a closing quote and warns about it on that row and column', async () => {
    const path = await fileWith('email,name\na@x.com,"Jane" Doe\nb@x.com,5\'10" tall\n');
    const records = await readAll(path, await detectCsvFormat(path));
    expect(records[0]!.fields).toEqual(['a@x.com', 'Jane Doe']);
    expect(records[0]!.issues).toEqual([
      expect.objectContaining({
        row: 2,
        column: 'name',
        code: 'malformed_quotes',
        severity: 'warning',
      }),
    ]);
    expect(records[1]!.fields).toEqual(['b@x.com', '5\'10" tall']);
    expect(records[1]!.issues).toEqual([]);
  });
});

describe('CSV reader: encodings', () => {
  const cases: Array<[CsvEncoding, boolean, string[][]]> = [
    ['utf-8', false, MULTIBYTE_ROWS],
    ['utf-8', true, MULTIBYTE_ROWS],
    ['utf-16le', true, MULTIBYTE_ROWS],
    ['utf-16be', true, MULTIBYTE_ROWS],
    ['windows-1252', false, WESTERN_ROWS],
  ];

  it.each(cases)(
    'detects %s (BOM: %s) and keeps every character at every chunk size 1..64',
    async (encoding, bom, rows) => {
      const { bytes, offsets } = buildFile([HEADER, ...rows], encoding, { bom });
      const path = await fileWith(bytes);
      const detection = await detectCsvFormat(path);
      expect(detection.format.encoding).toBe(encoding);
      expect(detection.bomLength).toBe(bom ? encode('\uFEFF', encoding).length : 0);
      expect(detection.headers).toEqual(HEADER);
      expect(detection.dataStartOffset).toBe(offsets[1]);
      const expected = rows.map((fields, i) => ({
        row: i + 2,
        offset: offsets[i + 1],
        fields,
        issues: [],
      }));
      for (let chunkSize = 1; chunkSize <= 64; chunkSize++) {
        expect(await readAll(path, detection, { chunkSize }), `chunk size ${chunkSize}`).toEqual(
          expected,
        );
      }
    },
  );

  it('reads a file with thousands of multibyte rows the same at chunk sizes around its boundaries', async () => {
    const rows = Array.from({ length: 3000 }, (_, i) => MULTIBYTE_ROWS[i % MULTIBYTE_ROWS.length]!);
    const { bytes, offsets } = buildFile([HEADER, ...rows], 'utf-8');
    const path = await fileWith(bytes);
    const detection = await detectCsvFormat(path);
    for (const chunkSize of [1021, 4093, 65536, 65537]) {
      const records = await readAll(path, detection, { chunkSize });
      expect(records.map((r) => r.offset)).toEqual(offsets.slice(1));
      expect(records.map((r) => r.fields)).toEqual(rows);
    }
  });

  it('detects Windows-1252 from bytes 0x80-0x9F and says so in the notes', async () => {
    const path = await fileWith(encode('email,name\r\na@x.com,“Renée” – 5 €\r\n', 'windows-1252'));
    const { detection, records } = await previewCsv(path);
    expect(detection.detected.encoding).toBe('windows-1252');
    expect(detection.notes.join(' ')).toMatch(
      /Encoding: Windows-1252 .*detected: the file is not UTF-8/,
    );
    expect(records[0]!.fields).toEqual(['a@x.com', '“Renée” – 5 €']);
  });

  it('reads ISO-8859-1 text as Windows-1252 by default, and as ISO-8859-1 when chosen', async () => {
    const path = await fileWith(encode('email,name\na@x.com,Müller Gérard\n', 'iso-8859-1'));
    const detected = await previewCsv(path);
    expect(detected.records[0]!.fields[1]).toBe('Müller Gérard');
    const chosen = await previewCsv(path, { encoding: 'iso-8859-1' });
    expect(chosen.detection.format.encoding).toBe('iso-8859-1');
    expect(chosen.detection.notes[0]).toMatch(/ISO-8859-1 .*your choice/);
    expect(chosen.records[0]!.fields[1]).toBe('Müller Gérard');
  });

  it('reads Mac OS Roman and ISO-8859-15 when chosen', async () => {
    const mac = await fileWith(encode('email,name\na@x.com,Crème brûlée\n', 'macintosh'));
    expect((await previewCsv(mac, { encoding: 'macintosh' })).records[0]!.fields[1]).toBe(
      'Crème brûlée',
    );
    const latin9 = await fileWith(encode('email,price\na@x.com,5 €\n', 'iso-8859-15'));
    expect((await previewCsv(latin9, { encoding: 'iso-8859-15' })).records[0]!.fields[1]).toBe(
      '5 €',
    );
  });

  it('reports invalid UTF-8 bytes as an error on their row and column, and keeps later offsets exact', async () => {
    const head = Buffer.from('email,name\na@x.com,Ann\n', 'utf8');
    const bad = Buffer.concat([
      Buffer.from('b@x.com,Ren', 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from('e\n', 'utf8'),
    ]);
    const tail = Buffer.from('c@x.com,Zoë\n', 'utf8');
    // Put the bad byte after 64 KiB of valid text so detection (which samples the start) says UTF-8.
    const filler = Buffer.from('f@x.com,Filler\n'.repeat(5000), 'utf8');
    const path = await fileWith(Buffer.concat([head, filler, bad, tail]));
    const detection = await detectCsvFormat(path);
    expect(detection.format.encoding).toBe('utf-8');
    for (const chunkSize of [3, 7, 65536]) {
      const records = await readAll(path, detection, { chunkSize });
      const badRecord = records.at(-2)!;
      expect(badRecord.row).toBe(5003);
      expect(badRecord.offset).toBe(head.length + filler.length);
      expect(badRecord.issues).toEqual([
        expect.objectContaining({
          row: 5003,
          column: 'name',
          code: 'invalid_bytes',
          severity: 'error',
        }),
      ]);
      expect(badRecord.issues[0]!.message).toMatch(/not valid UTF-8.*Windows-1252/);
      const last = records.at(-1)!;
      expect(last).toEqual({
        row: 5004,
        offset: head.length + filler.length + bad.length,
        fields: ['c@x.com', 'Zoë'],
        issues: [],
      });
    }
  });

  it('reports a lone UTF-16 surrogate as invalid bytes on its row', async () => {
    const text = 'email,name\r\na@x.com,Ann\r\nb@x.com,X\uD800Y\r\n';
    const path = await fileWith(encode(text, 'utf-16le', true));
    const { records } = await previewCsv(path);
    expect(records[0]!.issues).toEqual([]);
    expect(records[1]!.issues).toEqual([
      expect.objectContaining({ row: 3, code: 'invalid_bytes' }),
    ]);
  });
});

describe('CSV reader: byte offsets and resume', () => {
  /** Seeded so a failure can be reproduced. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a / 2147483648;
    };
  }

  it.each<CsvEncoding>(['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'])(
    'reading from any record offset (%s) yields exactly that record and the rest',
    async (encoding) => {
      const pool = encoding === 'windows-1252' ? WESTERN_ROWS : MULTIBYTE_ROWS;
      const next = random(42);
      const rows = Array.from({ length: 400 }, (_, i) => {
        const base = pool[Math.floor(next() * pool.length)]!;
        return [`${i}-${base[0]}`, base[1]!, base[2]!, next() < 0.2 ? '' : base[3]!];
      });
      const { bytes, offsets } = buildFile([HEADER, ...rows], encoding, {
        bom: encoding.startsWith('utf-16'),
      });
      const path = await fileWith(bytes);
      const detection = await detectCsvFormat(path);
      const all = await readAll(path, detection, { chunkSize: 997 });
      expect(all.map((r) => r.offset)).toEqual(offsets.slice(1));
      for (let k = 0; k < 20; k++) {
        const i = Math.floor(next() * all.length);
        const from = all[i]!;
        const resumed = await readAll(path, detection, {
          startOffset: from.offset,
          startRow: from.row,
          chunkSize: 1 + Math.floor(next() * 300),
        });
        expect(resumed).toEqual(all.slice(i));
      }
    },
  );

  it('refuses to resume at an offset that is not the start of a row', async () => {
    const path = await fileWith('email,name\na@x.com,A\nb@x.com,B\n');
    const detection = await detectCsvFormat(path);
    const error = await failure(
      readAll(path, detection, { startOffset: detection.dataStartOffset + 3, startRow: 2 }),
    );
    expect(error.code).toBe('file_changed');
  });

  it('refuses to read a file that changed since it was checked', async () => {
    const path = await fileWith('email,name\na@x.com,A\n');
    const detection = await detectCsvFormat(path);
    await appendFile(path, 'b@x.com,B\n');
    const error = await failure(readAll(path, detection));
    expect(error.code).toBe('file_changed');
    expect(error.message).toMatch(/changed since it was checked/);
  });

  it('stops when the signal is aborted', async () => {
    const path = await fileWith(`email\n${'a@x.com\n'.repeat(1000)}`);
    const detection = await detectCsvFormat(path);
    const controller = new AbortController();
    let seen = 0;
    const reading = (async () => {
      for await (const _ of readCsvRecords(path, detection, {
        chunkSize: 64,
        signal: controller.signal,
      })) {
        if (++seen === 10) controller.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(1000);
  });
});

describe('CSV reader: separators and header', () => {
  it('detects ; in a European file with decimal commas', async () => {
    const path = await fileWith(
      'Email;Nom;Montant;Taux\na@x.fr;Dupont;3,50;0,2\nb@x.fr;Martin;12,00;1,5\n',
    );
    const { detection, records } = await previewCsv(path);
    expect(detection.format.delimiter).toBe(';');
    expect(detection.notes).toContain('Separator: semicolon (detected).');
    expect(records[0]!.fields).toEqual(['a@x.fr', 'Dupont', '3,50', '0,2']);
  });

  it.each([
    ['\t', 'email\tname\tnotes\na@x.com\tAnn\t"x, y"\nb@x.com\tBob\tz\n'],
    ['|', 'email|name|segments\na@x.com|Ann|vip,beta\nb@x.com|Bob|z\n'],
    [',', 'email,name,notes\na@x.com,Ann,"x; y | z"\nb@x.com,Bob,"a;b;c;d"\n'],
  ])('detects %j', async (delimiter, content) => {
    expect((await detectCsvFormat(await fileWith(content))).format.delimiter).toBe(delimiter);
  });

  it('uses the separator the person chose, and says what was detected', async () => {
    const path = await fileWith('email;name\na@x.com;Ann\n');
    const detection = await detectCsvFormat(path, { delimiter: ',' });
    expect(detection.format.delimiter).toBe(',');
    expect(detection.detected.delimiter).toBe(';');
    expect(detection.notes).toContain('Separator: comma (your choice; detected: semicolon).');
  });

  it('treats a first row of values as data and names the columns', async () => {
    const path = await fileWith('a@x.com,Ann,42\nb@x.com,Bob,7\n');
    const { detection, records } = await previewCsv(path);
    expect(detection.format.header).toBe(false);
    expect(detection.headers).toEqual(['Column 1', 'Column 2', 'Column 3']);
    expect(records.map((r) => r.row)).toEqual([1, 2]);
  });

  it('imports row 1 when the person turns the header off', async () => {
    const path = await fileWith('email,name\na@x.com,Ann\n');
    const { detection, records } = await previewCsv(path, { header: false });
    expect(detection.detected.header).toBe(true);
    expect(detection.dataStartOffset).toBe(0);
    expect(records.map((r) => [r.row, r.fields[0]])).toEqual([
      [1, 'email'],
      [2, 'a@x.com'],
    ]);
  });

  it('names blank header cells and notes it', async () => {
    const path = await fileWith('email,,name\na@x.com,1,Ann\n');
    const detection = await detectCsvFormat(path);
    expect(detection.headers).toEqual(['email', 'Column 2', 'name']);
    expect(detection.notes.join(' ')).toMatch(/Column 2 has no name in the header row/);
  });
});

describe('CSV reader: files that are not usable CSV', () => {
  it.each([
    ['an empty file', ''],
    ['a byte order mark only', '\uFEFF'],
    ['blank lines only', '\r\n\r\n\n'],
  ])('says the file is empty for %s', async (_, content) => {
    const error = await failure(detectCsvFormat(await fileWith(content)));
    expect(error.code).toBe('file_empty');
    expect(error.message).toMatch(/The file is empty/);
  });

  it('says when the file has a header but no contacts', async () => {
    const error = await failure(
      detectCsvFormat(await fileWith('email,first_name,last_name\r\n\r\n')),
    );
    expect(error.code).toBe('header_only');
    expect(error.message).toMatch(/header row \(email, first_name, last_name\) but no contacts/);
  });

  it('says an .xlsx renamed to .csv is a spreadsheet and how to export CSV', async () => {
    const zip = Buffer.concat([
      Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]),
      Buffer.alloc(22),
      Buffer.from('[Content_Types].xml', 'latin1'),
      Buffer.alloc(200, 7),
    ]);
    const error = await failure(detectCsvFormat(await fileWith(zip, 'export.csv')));
    expect(error.code).toBe('spreadsheet_file');
    expect(error.message).toMatch(/Excel workbook \(\.xlsx\)/);
    expect(error.message).toMatch(/Excel.*Numbers.*LibreOffice.*Google Sheets/);
  });

  it('says an old .xls renamed to .csv is a spreadsheet', async () => {
    const xls = Buffer.concat([
      Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
      Buffer.alloc(512),
    ]);
    const error = await failure(detectCsvFormat(await fileWith(xls)));
    expect(error.code).toBe('spreadsheet_file');
    expect(error.message).toMatch(/Excel 97-2003/);
  });

  it('says a file with NUL bytes is not text', async () => {
    const binary = Buffer.from('email,name\na@x.com,A\u0000\u0000\u0001B\n', 'latin1');
    const error = await failure(detectCsvFormat(await fileWith(binary)));
    expect(error.code).toBe('binary_file');
  });

  it('names the row where a quote opens and is never closed', async () => {
    const path = await fileWith('email,notes\na@x.com,fine\nb@x.com,"never closed\nc@x.com,more\n');
    const error = await failure(previewCsv(path));
    expect(error.code).toBe('unclosed_quote');
    expect(error.row).toBe(3);
    expect(error.message).toMatch(/row 3, column notes/);
  });

  it('stops a quote left open for more than the record limit with a clear error, not unbounded memory', async () => {
    const path = await fileWith(
      `email,notes\nz@x.com,ok\na@x.com,"open\n${'b@x.com,text\n'.repeat(200)}`,
    );
    const detection = await detectCsvFormat(path);
    const seen: number[] = [];
    const reading = (async () => {
      for await (const record of readCsvRecords(path, detection, {
        maxRecordBytes: 1000,
        chunkSize: 256,
      })) {
        seen.push(record.row);
      }
    })();
    const error = await failure(reading);
    expect(seen).toEqual([2]);
    expect(error.code).toBe('unclosed_quote');
    expect(error.message).toMatch(
      /row 3, column notes and is not closed within the next 1000 bytes/,
    );
  });

  it('stops a single 200 MB line without a line break with record_too_long, after reading about 1 MiB', async () => {
    const path = join(dir, 'one-line.csv');
    const handle = await open(path, 'w');
    const block = Buffer.alloc(1024 * 1024, 'a');
    for (let i = 0; i < 200; i++) await handle.write(block);
    await handle.close();
    try {
      const error = await failure(detectCsvFormat(path));
      expect(error.code).toBe('record_too_long');
      expect(error.row).toBe(1);
      expect(error.message).toMatch(/Row 1 is longer than 1 MiB/);
    } finally {
      await truncate(path, 0);
    }
  });

  it('says when the file cannot be read', async () => {
    const error = await failure(detectCsvFormat(join(dir, 'missing.csv')));
    expect(error.code).toBe('file_unreadable');
    expect(error.message).toMatch(/does not exist/);
  });
});

describe('CSV reader: preview', () => {
  it('returns detection and the first 50 data rows only', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [`p${i}@x.com`, 'Ann', 'Lee', '']);
    const path = await fileWith(buildFile([HEADER, ...rows], 'utf-8').bytes);
    const { detection, records } = await previewCsv(path);
    expect(detection.headers).toEqual(HEADER);
    expect(records).toHaveLength(50);
    expect(records[0]!.row).toBe(2);
    expect(records[49]!.fields[0]).toBe('p49@x.com');
    expect((await previewCsv(path, {}, 3)).records.map((r) => r.row)).toEqual([2, 3, 4]);
  });
});
