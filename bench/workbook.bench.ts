/**
 * Excel workbooks against CSV: a 1,048,576-row sheet (Excel's most: a header and 1,048,575
 * contacts) and a CSV of the same rows, each scanned (`crisp-import scan`) and imported
 * (`crisp-import run --dry-run`: read, map, validate, plan, journal; nothing sent) in a child
 * process of its own, with seconds, rows/s and peak RSS (/usr/bin/time). Then the resume at 90 %:
 * a workbook cannot be entered at a byte offset, so the reader re-reads the sheet up to the row;
 * the time until the first row at 90 % is printed beside the CSV's (a seek).
 *
 *   npm run bench:workbook                    1,048,575 contacts (written once into bench/.data)
 *   npm run bench:workbook -- --rows 100000   another size
 *
 * Floors (the CSV floors): the workbook scan under 200 MB peak RSS, the workbook import under
 * 300 MB. The workbook is written with shared strings (as Excel does), the reader's worst case:
 * every email is in the shared strings (past 16 MiB, in the reader's temporary file).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { detectCsvFormat, readCsvBatches } from '../src/main/engine/csv-reader';

const thisFile = fileURLToPath(import.meta.url);
const root = join(dirname(thisFile), '..');
const dataDir = join(root, 'bench', '.data');
const CLI = join(root, 'bin', 'crisp-import.mjs');
const SCAN_RSS_FLOOR = 200e6;
const IMPORT_RSS_FLOOR = 300e6;

const HEADER = ['Email', 'First name', 'Last name', 'Phone', 'Zip', 'Amount', 'Signed up'];
function row(i: number): (string | number | Date)[] {
  return [
    `person.${i}@example.com`,
    `First${i % 1000}`,
    `Last ${i}`,
    `+336${String(10_000_000 + (i % 89_999_999)).padStart(8, '0')}`,
    String(i % 100_000).padStart(5, '0'),
    Math.round(i * 1.37) / 100,
    new Date(Date.UTC(2020, 0, 1) + (i % 2000) * 86_400_000),
  ];
}
function csvLine(cells: (string | number | Date)[]): string {
  return cells.map((c) => (c instanceof Date ? c.toISOString().slice(0, 10) : String(c))).join(',');
}

async function ensureFiles(rows: number): Promise<{ xlsx: string; csv: string }> {
  await mkdir(dataDir, { recursive: true });
  const xlsx = join(dataDir, `contacts-${rows}.xlsx`);
  const csv = join(dataDir, `contacts-${rows}-same-rows.csv`);
  if (!(await stat(xlsx).catch(() => null))) {
    const started = performance.now();
    const temp = `${xlsx}.part`;
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      filename: temp,
      useSharedStrings: true,
      useStyles: true,
    });
    const sheet = workbook.addWorksheet('Contacts');
    sheet.getColumn(7).numFmt = 'yyyy-mm-dd';
    sheet.addRow(HEADER).commit();
    for (let i = 0; i < rows; i++) sheet.addRow(row(i)).commit();
    sheet.commit();
    await workbook.commit();
    await rename(temp, xlsx);
    console.log(`wrote ${xlsx} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!(await stat(csv).catch(() => null))) {
    const temp = `${csv}.part`;
    const out = createWriteStream(temp);
    out.write(`${HEADER.join(',')}\n`);
    for (let i = 0; i < rows; i++) {
      if (!out.write(`${csvLine(row(i))}\n`))
        await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((resolve, reject) =>
      out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
    await rename(temp, csv);
  }
  return { xlsx, csv };
}

interface Figure {
  name: string;
  seconds: number;
  peakRssBytes: number;
  rows: number;
  code: number | null;
}

/** A CLI command in a child process, timed by /usr/bin/time (elapsed seconds, peak RSS in KiB). */
function cli(name: string, args: string[], rows: number): Figure {
  const result = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M', process.execPath, CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`${name}: no figures\n${result.stderr.slice(-2000)}`);
  const [, seconds, kib] = line.split(' ');
  return {
    name,
    seconds: Number(seconds),
    peakRssBytes: Number(kib) * 1024,
    rows,
    code: result.status,
  };
}

/** Child mode: the time from opening the reader at 90 % of the rows until that first row. */
async function resumeChild(path: string, rows: number): Promise<void> {
  const detection = await detectCsvFormat(path);
  const startRow = detection.dataStartRow + Math.floor(rows * 0.9);
  let start = { offset: detection.dataStartOffset, row: detection.dataStartRow };
  if (detection.format.sheet === undefined) {
    // A CSV job records the byte offset of its resume row: find it as a job would have.
    for await (const batch of readCsvBatches(path, detection)) {
      const found = batch.find((r) => r.row === startRow);
      if (found) {
        start = { offset: found.offset, row: found.row };
        break;
      }
    }
  } else start = { offset: 0, row: startRow };
  const started = performance.now();
  for await (const batch of readCsvBatches(path, detection, {
    startOffset: start.offset,
    startRow: start.row,
  })) {
    if (batch[0]!.row !== startRow)
      throw new Error(`resumed at row ${batch[0]!.row}, not ${startRow}`);
    break;
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`RESUME ${seconds}`);
}

function resume(path: string, rows: number): number {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', thisFile, '--resume-child', path, String(rows)],
    {
      encoding: 'utf8',
    },
  );
  const line = result.stdout.split('\n').find((l) => l.startsWith('RESUME '));
  if (!line) throw new Error(`resume: ${result.stderr.slice(-2000)}`);
  return Number(line.split(' ')[1]);
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--resume-child') return resumeChild(argv[1]!, Number(argv[2]));
  const rowsAt = argv.indexOf('--rows');
  const rows = rowsAt >= 0 ? Number(argv[rowsAt + 1]) : 1_048_575;
  const { xlsx, csv } = await ensureFiles(rows);
  const state = await mkdtemp(join(tmpdir(), 'workbook-bench-'));
  try {
    const figures: Figure[] = [];
    for (const [kind, path] of [
      ['workbook', xlsx],
      ['CSV', csv],
    ] as const) {
      figures.push(
        cli(`scan ${kind}`, ['scan', path, '--json', '--state-dir', join(state, kind)], rows),
      );
      figures.push(
        cli(
          `import ${kind} (dry run)`,
          [
            'run',
            path,
            '--dry-run',
            '--json',
            '--website',
            '8c842203-7ed8-4e29-a608-7cf78a7d2fcc',
            '--state-dir',
            join(state, kind),
          ],
          rows,
        ),
      );
    }
    const size = async (p: string) => mb((await stat(p)).size);
    console.log(
      `\n${rows.toLocaleString('en-US')} contacts; workbook ${await size(xlsx)}, CSV ${await size(csv)}; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const f of figures) {
      console.log(
        `${f.name.padEnd(28)} ${f.seconds.toFixed(1).padStart(6)} s  ${Math.round(
          f.rows / f.seconds,
        )
          .toLocaleString('en-US')
          .padStart(9)} rows/s  peak RSS ${mb(f.peakRssBytes).padStart(7)}  exit ${f.code}`,
      );
    }
    const wbResume = resume(xlsx, rows);
    const csvResume = resume(csv, rows);
    console.log(
      `resume at 90 %: workbook ${wbResume.toFixed(1)} s (re-reads the sheet up to the row), CSV ${csvResume.toFixed(3)} s (seeks to its byte offset)`,
    );
    const [wbScan, wbImport] = figures;
    const floors = [
      [`workbook scan peak RSS < ${mb(SCAN_RSS_FLOOR)}`, wbScan!.peakRssBytes < SCAN_RSS_FLOOR],
      [
        `workbook import peak RSS < ${mb(IMPORT_RSS_FLOOR)}`,
        wbImport!.peakRssBytes < IMPORT_RSS_FLOOR,
      ],
    ] as const;
    for (const [name, ok] of floors) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
    if (floors.some(([, ok]) => !ok)) process.exitCode = 1;
  } finally {
    await rm(state, { recursive: true, force: true });
  }
}

await main();
