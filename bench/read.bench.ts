/**
 * Reader throughput against bare papaparse, on the same generated contacts file, in the same run.
 *
 *   node --import tsx bench/read.bench.ts [rows]     (default 1,000,000 rows; BENCH_RUNS=3)
 *
 * Each measurement runs in its own child process, so that peak RSS is that measurement's own.
 * Prints seconds, rows/s, MB/s and peak RSS for each, the best of BENCH_RUNS runs, the ratio
 * (reader throughput / papaparse throughput), and preview times for a small and a large file.
 */
import { spawnSync } from 'node:child_process';
import { open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectCsvFormat, previewCsv, readCsvBatches } from '../src/main/engine/csv-reader';
import { ensureBenchContactsFile } from './generate-contacts-file';
import { parseWithPapaparse } from './papaparse-baseline';

interface Measurement {
  name: string;
  seconds: number;
  rows: number;
  bytes: number;
  peakRssBytes: number;
  /** CPU time (user + system) of the measurement: steadier than wall time on a busy machine. */
  cpuSeconds: number;
}

const thisFile = fileURLToPath(import.meta.url);

async function measureReader(path: string): Promise<Measurement> {
  const started = performance.now();
  const detection = await detectCsvFormat(path);
  let rows = 0;
  let issues = 0;
  for await (const batch of readCsvBatches(path, detection)) {
    rows += batch.length;
    for (const record of batch) issues += record.issues.length;
  }
  const seconds = (performance.now() - started) / 1000;
  if (issues > 0) console.error(`reader: ${issues} row issues`);
  return {
    name: 'csv-reader',
    seconds,
    rows,
    bytes: detection.fileSize,
    peakRssBytes: 0,
    cpuSeconds: 0,
  };
}

async function measurePapaparse(path: string): Promise<Measurement> {
  const { size } = await stat(path);
  const started = performance.now();
  const rows = await parseWithPapaparse(path);
  const seconds = (performance.now() - started) / 1000;
  return {
    name: 'papaparse (header, step)',
    seconds,
    rows,
    bytes: size,
    peakRssBytes: 0,
    cpuSeconds: 0,
  };
}

/** A file of at least 1 GiB made of copies of the contacts file's rows (for the preview timing). */
async function ensureLargeFile(source: string): Promise<string> {
  const target = join(dirname(source), 'contacts-1gib.csv');
  if (
    await stat(target).then(
      (s) => s.size >= 2 ** 30,
      () => false,
    )
  )
    return target;
  const sourceSize = (await stat(source)).size;
  const body = await open(source, 'r');
  const out = await open(`${target}.partial`, 'w');
  try {
    const buffer = Buffer.alloc(8 * 1024 * 1024);
    let written = 0;
    let first = true;
    while (written < 2 ** 30) {
      let position = 0;
      if (!first) {
        // Skip the header line of the copies.
        const { bytesRead } = await body.read(buffer, 0, 4096, 0);
        position = buffer.subarray(0, bytesRead).indexOf('\n') + 1;
      }
      first = false;
      while (position < sourceSize) {
        const { bytesRead } = await body.read(buffer, 0, buffer.length, position);
        await out.write(buffer, 0, bytesRead);
        position += bytesRead;
        written += bytesRead;
      }
    }
  } finally {
    await body.close();
    await out.close();
  }
  const { rename } = await import('node:fs/promises');
  await rename(`${target}.partial`, target);
  return target;
}

async function timePreview(path: string): Promise<number> {
  await previewCsv(path); // warm-up (module code, file cache)
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const { records } = await previewCsv(path);
    runs.push(performance.now() - started);
    if (records.length !== 50) throw new Error(`preview returned ${records.length} rows`);
  }
  return Math.min(...runs);
}

function runChild(kind: string, path: string): Measurement {
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', thisFile, '--measure', kind, path],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  if (child.status !== 0) throw new Error(`${kind} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measurement;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function report(m: Measurement): string {
  return [
    m.name.padEnd(26),
    `${m.seconds.toFixed(2).padStart(6)} s`,
    `${Math.round(m.rows / m.seconds)
      .toLocaleString('en-US')
      .padStart(10)} rows/s`,
    `${(m.bytes / 1e6 / m.seconds).toFixed(1).padStart(6)} MB/s`,
    `peak RSS ${mb(m.peakRssBytes).padStart(6)} MB`,
    `CPU ${m.cpuSeconds.toFixed(2)} s`,
    `(${m.rows.toLocaleString('en-US')} rows)`,
  ].join('  ');
}

const measureAt = process.argv.indexOf('--measure');
if (measureAt !== -1) {
  const kind = process.argv[measureAt + 1];
  const path = process.argv[measureAt + 2]!;
  const cpuBefore = process.cpuUsage();
  const m = kind === 'reader' ? await measureReader(path) : await measurePapaparse(path);
  const cpu = process.cpuUsage(cpuBefore);
  m.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  m.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify(m));
} else {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const path = await ensureBenchContactsFile(rows);
  console.log(
    `File: ${path} (${mb((await stat(path)).size)} MB, ${rows.toLocaleString('en-US')} contacts)`,
  );
  const best: Record<string, Measurement> = {};
  for (let run = 0; run < runs; run++) {
    for (const kind of ['papaparse', 'reader']) {
      const m = runChild(kind, path);
      console.log(`  run ${run + 1}: ${report(m)}`);
      if (!best[kind] || m.seconds < best[kind].seconds) best[kind] = m;
    }
  }
  const reader = best.reader!;
  const papa = best.papaparse!;
  console.log(`Best of ${runs}:`);
  console.log(`  ${report(papa)}`);
  console.log(`  ${report(reader)}`);
  console.log(
    `  ratio (reader throughput / papaparse throughput): ${(papa.seconds / reader.seconds).toFixed(2)} by wall time, ${(papa.cpuSeconds / reader.cpuSeconds).toFixed(2)} by CPU time`,
  );
  if (reader.rows !== papa.rows) {
    console.log(`  note: row counts differ (reader ${reader.rows}, papaparse ${papa.rows})`);
  }
  const small = await ensureBenchContactsFile(1000);
  const large = await ensureLargeFile(path);
  console.log('Preview (detection + first 50 rows, best of 5):');
  for (const file of [small, path, large]) {
    const ms = await timePreview(file);
    console.log(`  ${mb((await stat(file)).size).padStart(8)} MB file: ${ms.toFixed(1)} ms`);
  }
}
