// Wide and odd files never stall (issue 13): real files on disk read by the real reader and scan.
// A named pipe, a device and a loop of links are refused at once with a message naming them; a
// header far too wide is refused with the limit; a row far too wide is an issue on its row; a
// NUL byte is refused on its row wherever it is; one stray byte in a UTF-8 file stays an issue on
// its row instead of turning every accent into mojibake.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CsvFileError,
  detectCsvFormat,
  previewCsv,
  readCsvRecords,
  MAX_COLUMNS,
} from '../../src/main/engine/csv-reader';
import { scanContactsFile } from '../../src/main/engine/contact-scan';

let dir: string;
let count = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'odd-files-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string | Buffer, name = 'contacts.csv'): Promise<string> {
  const path = join(dir, `${++count}-${name}`);
  await writeFile(path, content);
  return path;
}

async function failure(work: Promise<unknown>): Promise<CsvFileError> {
  const error = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CsvFileError);
  return error as CsvFileError;
}

/** Races `work` against a short timer: a read that waits on a pipe would lose. */
async function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('files that are not regular files', () => {
  it.skipIf(process.platform === 'win32')(
    'refuses a named pipe at once, naming it, instead of waiting for a writer',
    async () => {
      const fifo = join(dir, 'pipe.csv');
      execFileSync('mkfifo', [fifo]);
      const error = await failure(withinSeconds(3, detectCsvFormat(fifo)));
      expect(error.code).toBe('file_unreadable');
      expect(error.message).toMatch(/named pipe \(FIFO\)/);
    },
  );

  it.skipIf(process.platform === 'win32')(
    'says /dev/zero is a device, and a loop of links is a loop',
    async () => {
      const device = await failure(withinSeconds(3, detectCsvFormat('/dev/zero')));
      expect(device.message).toMatch(/a device \(a character device/);
      const loop = join(dir, 'loop.csv');
      await symlink(loop, loop);
      const looped = await failure(detectCsvFormat(loop));
      expect(looped.code).toBe('file_unreadable');
      expect(looped.message).toMatch(/symbolic link that leads back to itself/);
    },
  );

  it('still calls a folder a folder', async () => {
    const error = await failure(detectCsvFormat(dir));
    expect(error.message).toMatch(/It is a folder/);
  });
});

describe('wide files', () => {
  it('refuses a header of 100,000 columns quickly, with the number, the row and the limit', async () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    const path = await fileWith(`${names.join(',')}\na@x.com${','.repeat(99_999)}\n`);
    const started = performance.now();
    const error = await failure(previewCsv(path));
    expect(performance.now() - started).toBeLessThan(3000);
    expect(error.code).toBe('too_many_columns');
    expect(error.row).toBe(1);
    expect(error.message).toContain('Row 1 has 100,000 columns');
    expect(error.message).toContain(`at most ${MAX_COLUMNS.toLocaleString('en-US')}`);
    expect(error.message).toMatch(/separator/);
  });

  it('says a header longer than 1 MiB is one of too many columns, not one endless value', async () => {
    const names = Array.from({ length: 100_000 }, (_, i) => `column ${i}`);
    const path = await fileWith(`${names.join(',')}\na@x.com\n`);
    const error = await failure(detectCsvFormat(path));
    expect(error.code).toBe('too_many_columns');
    expect(error.message).toMatch(
      /^Row 1 has more than 2,000 columns \([\d,]+ in its first 1 MiB alone\)/,
    );
  });

  it('refuses a header of 200,004 names (all the same) without a stack overflow', async () => {
    const path = await fileWith(`email${',c'.repeat(200_003)}\na@x.com\n`);
    const error = await failure(detectCsvFormat(path));
    expect(error.code).toBe('too_many_columns');
    expect(error.message).toContain('200,004 columns');
  });

  it('makes a row of 200,004 values an error on its row; the other rows are read', async () => {
    const path = await fileWith(
      `email,name\na@x.com,Ann\nb@x.com${',x'.repeat(200_003)}\nc@x.com,Cy\n`,
    );
    const report = await scanContactsFile(path);
    expect(report.rows).toBe(3);
    expect(report.valid).toBe(2);
    const wide = report.issues.find((issue) => issue.row === 3);
    expect(wide?.code).toBe('too_many_fields');
    expect(wide?.severity).toBe('error');
    expect(wide?.message).toContain('200,004 values');
    expect(wide?.message).toContain('at most 2,000');
    // The preview shows the row cut at the limit, not 200,004 cells.
    const { records } = await previewCsv(path);
    expect(records[1]!.fields.length).toBe(MAX_COLUMNS);
  });

  it('refuses a file without a header whose rows are far too wide', async () => {
    const path = await fileWith(`a@x.com${',x'.repeat(5000)}\n`);
    const error = await failure(detectCsvFormat(path, { header: false }));
    expect(error.code).toBe('too_many_columns');
    expect(error.message).toContain('Row 1 has 5,001 columns');
  });
});

describe('NUL bytes', () => {
  const rows = (n: number, from = 0) =>
    Array.from({ length: n }, (_, i) => `p${from + i}@example.com,Person ${from + i}\n`).join('');

  it('refuses the row holding a NUL near the start, and reads the file', async () => {
    const path = await fileWith(`email,name\na@x.com,An\u0000n\n${rows(3)}`);
    const report = await scanContactsFile(path);
    expect(report.rows).toBe(4);
    expect(report.valid).toBe(3);
    expect(
      report.issues.filter((i) => i.code === 'nul_byte').map((i) => [i.row, i.column]),
    ).toEqual([[2, 'name']]);
  });

  it('refuses the row holding a NUL after 64 KiB the same way, never passing it on', async () => {
    const before = rows(2000); // about 60 KiB... and more below, so the NUL is past the sample
    const path = await fileWith(
      `email,name\n${before}${rows(500, 2000)}z@x.com,Z\u0000z\n${rows(2, 9000)}`,
    );
    const report = await scanContactsFile(path);
    expect(report.rows).toBe(2503);
    expect(report.valid).toBe(2502);
    const nul = report.issues.filter((i) => i.code === 'nul_byte');
    expect(nul.map((i) => i.row)).toEqual([2502]);
    const records = [];
    for await (const record of readCsvRecords(path, await detectCsvFormat(path))) {
      if (record.fields.some((f) => f.includes('\u0000'))) records.push(record);
    }
    expect(records.map((r) => r.issues.map((i) => i.code))).toEqual([['nul_byte']]);
  });

  it('still refuses a file that is mostly binary', async () => {
    const binary = Buffer.alloc(4096);
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 37) % 256;
    const error = await failure(detectCsvFormat(await fileWith(binary)));
    expect(error.code).toBe('binary_file');
  });
});

describe('one invalid UTF-8 byte', () => {
  it('keeps a small UTF-8 file UTF-8 and makes the byte an issue on its row', async () => {
    const bytes = Buffer.concat([
      Buffer.from('email,name\na@x.com,Hélène\nb@x.com,Bad', 'utf8'),
      Buffer.from([0xff]),
      Buffer.from('byte\nc@x.com,René\n', 'utf8'),
    ]);
    const path = await fileWith(bytes);
    const { detection, records } = await previewCsv(path);
    expect(detection.format.encoding).toBe('utf-8');
    expect(records.map((r) => r.fields[1])).toEqual(['Hélène', 'Bad\uFFFDbyte', 'René']);
    expect(records[1]!.issues.map((i) => i.code)).toEqual(['invalid_bytes']);
    const report = await scanContactsFile(path);
    expect(report.valid).toBe(2);
    expect(report.issues.filter((i) => i.severity === 'error').map((i) => i.row)).toEqual([3]);
  });

  it('keeps a large UTF-8 file UTF-8 when the stray byte is in its first 64 KiB', async () => {
    const accents = Array.from({ length: 3000 }, (_, i) => `u${i}@x.com,Zoë ${i}\n`).join('');
    const bytes = Buffer.concat([
      Buffer.from(`email,name\nbad@x.com,Caf`, 'utf8'),
      Buffer.from([0xe9]),
      Buffer.from(`\n${accents}`, 'utf8'),
    ]);
    const path = await fileWith(bytes);
    const report = await scanContactsFile(path);
    expect(report.encoding).toBe('utf-8');
    expect(report.valid).toBe(3000);
    expect(report.issues.filter((i) => i.code === 'invalid_bytes').map((i) => i.row)).toEqual([2]);
  });

  it('still reads a Windows-1252 export as Windows-1252', async () => {
    const path = await fileWith(
      Buffer.from('email,name\na@x.com,H\xe9l\xe8ne\nb@x.com,Ren\xe9\n', 'latin1'),
    );
    const { detection, records } = await previewCsv(path);
    expect(detection.format.encoding).toBe('windows-1252');
    expect(records.map((r) => r.fields[1])).toEqual(['Hélène', 'René']);
  });
});
