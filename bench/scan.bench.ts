/**
 * Full-file scan (read, map, validate, duplicate index, estimate) against a bare papaparse parse
 * of the same generated contacts file, in the same run.
 *
 *   npm run bench:scan                       1,000,000 rows, best of BENCH_RUNS (default 3)
 *   npm run bench:scan -- --big              also a ~1 GB file: whole-scan peak RSS and preview
 *   npm run bench:scan -- --rows 200000      another file size
 *
 * Each measurement runs in its own child process so its peak RSS is its own (both children load
 * the TypeScript sources through tsx, the same loader for both sides of the ratio; the ~1 GB scan
 * is also measured bundled, as the CLI and the desktop app run the engine, since tsx's loader
 * alone adds about 35 MB). Prints seconds,
 * rows/s, MB/s, peak RSS and CPU time (the run's own and the whole process's) of each, the load
 * average (the machine may be shared: run it when `uptime` shows it quiet), the ratio of
 * throughputs and the same by CPU time, and checks the floors: scan >= 0.8 x papaparse
 * throughput, scan peak RSS < 200 MB; with --big, the ~1 GB scan < 300 MB peak RSS, and the
 * preview time (detection + first 50 rows) of the ~1 GB file against the 1M-row file.
 */
import { spawnSync } from 'node:child_process';
import { open, rename, rm, stat } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanContactsFile } from '../src/main/engine/contact-scan';
import { previewCsv } from '../src/main/engine/csv-reader';
import { ensureBenchContactsFile } from './generate-contacts-file';
import { parseWithPapaparse } from './papaparse-baseline';

interface Measurement {
  name: string;
  seconds: number;
  /** CPU time of the child (user + system), whole process (module loading included). */
  cpuSeconds: number;
  /** CPU time (user + system, all threads) spent during the measured run itself. */
  runCpuSeconds: number;
  rows: number;
  bytes: number;
  peakRssBytes: number;
  detail?: string;
}

const thisFile = fileURLToPath(import.meta.url);
const SCAN_THROUGHPUT_FLOOR = 0.8;
const SCAN_RSS_FLOOR = 200e6;
const BIG_RSS_FLOOR = 300e6;
const BIG_FILE_BYTES = 1e9;

// ---------------------------------------------------------------------------------------------
// Measurements (run in a child process)

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

async function measureScan(path: string): Promise<Measurement> {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const report = await scanContactsFile(path);
  const seconds = (performance.now() - started) / 1000;
  return {
    name: 'scan (read, map, validate)',
    seconds,
    cpuSeconds: 0,
    runCpuSeconds: cpuSecondsSince(cpuStart),
    rows: report.rows,
    bytes: report.fileSize,
    peakRssBytes: 0,
    detail: `${report.valid} valid, ${report.invalid} invalid, ${report.warnings} with warnings, ${report.duplicateEmails} repeated emails, ${report.contacts} contacts, ${report.estimate.requests} requests`,
  };
}

async function measurePapaparse(path: string): Promise<Measurement> {
  const { size } = await stat(path);
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const rows = await parseWithPapaparse(path);
  const seconds = (performance.now() - started) / 1000;
  return {
    name: 'papaparse (header, step)',
    seconds,
    cpuSeconds: 0,
    runCpuSeconds: cpuSecondsSince(cpuStart),
    rows,
    bytes: size,
    peakRssBytes: 0,
  };
}

/** How a child runs the code: through tsx (development) or bundled (as the CLI and the app run it). */
type Runner = { kind: 'tsx' } | { kind: 'bundle'; path: string };

function runChild(
  kind: 'scan' | 'papaparse',
  path: string,
  runner: Runner = { kind: 'tsx' },
): Measurement {
  const entry = runner.kind === 'tsx' ? ['--import', 'tsx', thisFile] : [runner.path];
  const child = spawnSync(process.execPath, [...entry, '--measure', kind, path], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`${kind} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measurement;
}

/**
 * This bench bundled into one ES module (npm packages left external), the way electron-vite
 * bundles the engine for the desktop app: no tsx loader in the process. esbuild comes with tsx.
 */
async function bundleThisBench(): Promise<Runner | null> {
  try {
    const { build } = await import('esbuild');
    const out = join(dirname(thisFile), '.data', 'scan-bench.bundle.mjs');
    await build({
      entryPoints: [thisFile],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: out,
      logLevel: 'warning',
    });
    return { kind: 'bundle', path: out };
  } catch (error) {
    console.log(`  (no bundled run: ${(error as Error).message.split('\n')[0]})`);
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// The ~1 GB file: copies of the bench file's rows, each copy with its own emails

/**
 * Copies of the contacts file's records until the file passes 1 GB. Copy k rewrites every email
 * `name.N@domain` as `name.NxK@domain`, so emails stay distinct across copies (a repeated email
 * within the original stays repeated within its copy, an invalid one stays invalid).
 */
async function ensureBigFile(source: string): Promise<string> {
  const target = join(dirname(source), 'contacts-1gb-distinct.csv');
  if (
    await stat(target).then(
      (s) => s.size >= BIG_FILE_BYTES,
      () => false,
    )
  )
    return target;
  console.log('Generating the ~1 GB file (once)...');
  const partial = `${target}.${process.pid}.partial`;
  const input = await open(source, 'r');
  const out = await open(partial, 'w');
  try {
    const buffer = Buffer.alloc(8 * 1024 * 1024);
    let written = 0;
    for (let copy = 0; written < BIG_FILE_BYTES; copy++) {
      let position = 0;
      let carry = '';
      let first = true;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, position);
        if (bytesRead === 0) break;
        position += bytesRead;
        // Whole lines only (emails never span a line), cut at a byte that is ASCII '\n'.
        const end = buffer.lastIndexOf(0x0a, bytesRead - 1);
        const upTo = end < 0 ? bytesRead : end + 1;
        let text = carry + buffer.toString('utf8', 0, upTo);
        carry = buffer.toString('utf8', upTo, bytesRead);
        if (first) {
          first = false;
          if (copy > 0) text = text.slice(text.indexOf('\n') + 1); // one header line in all
        }
        if (copy > 0) text = text.replace(/\.(\d+)@/g, `.$1x${copy}@`);
        const bytes = Buffer.from(text, 'utf8');
        await out.write(bytes);
        written += bytes.length;
      }
      if (carry) {
        const bytes = Buffer.from(
          copy > 0 ? carry.replace(/\.(\d+)@/g, `.$1x${copy}@`) : carry,
          'utf8',
        );
        await out.write(bytes);
        written += bytes.length;
      }
    }
  } catch (error) {
    await out.close();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await input.close();
  }
  await out.close();
  await rename(partial, target);
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

// ---------------------------------------------------------------------------------------------
// Report

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function line(m: Measurement): string {
  return [
    m.name.padEnd(27),
    `${m.seconds.toFixed(2).padStart(6)} s`,
    `${Math.round(m.rows / m.seconds)
      .toLocaleString('en-US')
      .padStart(10)} rows/s`,
    `${(m.bytes / 1e6 / m.seconds).toFixed(1).padStart(6)} MB/s`,
    `peak RSS ${mb(m.peakRssBytes).padStart(6)} MB`,
    `cpu ${m.runCpuSeconds.toFixed(2)} s (process ${m.cpuSeconds.toFixed(2)} s)`,
  ].join('  ');
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const measureAt = process.argv.indexOf('--measure');
if (measureAt !== -1) {
  const kind = process.argv[measureAt + 1];
  const path = process.argv[measureAt + 2]!;
  const m = kind === 'scan' ? await measureScan(path) : await measurePapaparse(path);
  const usage = process.resourceUsage();
  m.peakRssBytes = usage.maxRSS * 1024;
  m.cpuSeconds = (usage.userCPUTime + usage.systemCPUTime) / 1e6;
  console.log(JSON.stringify(m));
} else {
  const rows = Number(argValue('--rows') ?? 1_000_000);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const big = process.argv.includes('--big');
  const path = await ensureBenchContactsFile(rows);
  const size = (await stat(path)).size;
  const loadAverage = (): string =>
    loadavg()
      .map((load) => load.toFixed(2))
      .join(', ');
  console.log(
    `Load average (1, 5, 15 min) at the start: ${loadAverage()} (${cpus().length} cores)`,
  );
  console.log(`File: ${path} (${mb(size)} MB, ${rows.toLocaleString('en-US')} contacts)`);
  const best: Partial<Record<'scan' | 'papaparse', Measurement>> = {};
  const peak: Partial<Record<'scan' | 'papaparse', number>> = {};
  const all: Record<'scan' | 'papaparse', Measurement[]> = { scan: [], papaparse: [] };
  for (let run = 0; run < runs; run++) {
    for (const kind of ['papaparse', 'scan'] as const) {
      const m = runChild(kind, path);
      all[kind].push(m);
      console.log(`  run ${run + 1}: ${line(m)}`);
      const current = best[kind];
      if (!current || m.seconds < current.seconds) best[kind] = m;
      peak[kind] = Math.max(peak[kind] ?? 0, m.peakRssBytes);
    }
  }
  const scan = best.scan!;
  const papa = best.papaparse!;
  const ratio = papa.seconds / scan.seconds;
  console.log(`Load average at the end: ${loadAverage()}`);
  console.log(`Best of ${runs} (seconds; peak RSS is the highest of all runs):`);
  console.log(`  ${line({ ...papa, peakRssBytes: peak.papaparse! })}`);
  console.log(`  ${line({ ...scan, peakRssBytes: peak.scan! })}`);
  console.log(`  scan: ${scan.detail}`);
  if (scan.rows !== papa.rows) {
    console.log(`  note: row counts differ (scan ${scan.rows}, papaparse ${papa.rows})`);
  }
  console.log(
    `  ratio (scan throughput / papaparse throughput): ${ratio.toFixed(2)}  floor ${SCAN_THROUGHPUT_FLOOR}: ${verdict(ratio >= SCAN_THROUGHPUT_FLOOR)}`,
  );
  // The same by CPU time, steadier than seconds when other processes share the cores: the
  // lowest of each over the runs (the run's own, and the whole process with module loading).
  const lowest = (kind: 'scan' | 'papaparse', key: 'runCpuSeconds' | 'cpuSeconds'): number =>
    Math.min(...all[kind].map((m) => m[key]));
  console.log(
    `  ratio by CPU time: ${(lowest('papaparse', 'runCpuSeconds') / lowest('scan', 'runCpuSeconds')).toFixed(2)} (run), ${(lowest('papaparse', 'cpuSeconds') / lowest('scan', 'cpuSeconds')).toFixed(2)} (whole process)`,
  );
  console.log(
    `  scan peak RSS ${mb(peak.scan!)} MB  floor < ${mb(SCAN_RSS_FLOOR)} MB: ${verdict(peak.scan! < SCAN_RSS_FLOOR)}`,
  );

  if (big) {
    const bigPath = await ensureBigFile(path);
    const bigSize = (await stat(bigPath)).size;
    console.log(`Big file: ${bigPath} (${mb(bigSize)} MB)`);
    const runners: [string, Runner | null][] = [
      ['through tsx (development)', { kind: 'tsx' }],
      ['bundled (the CLI and the desktop app)', await bundleThisBench()],
    ];
    for (const [label, runner] of runners) {
      if (!runner) continue;
      const m = runChild('scan', bigPath, runner);
      console.log(`  ${label}:`);
      console.log(`    ${line(m)}`);
      console.log(`    scan: ${m.detail}`);
      console.log(
        `    peak RSS ${mb(m.peakRssBytes)} MB  floor < ${mb(BIG_RSS_FLOOR)} MB: ${verdict(m.peakRssBytes < BIG_RSS_FLOOR)}`,
      );
    }
    console.log('Preview (detection + first 50 rows, best of 5):');
    const small = await timePreview(path);
    const large = await timePreview(bigPath);
    console.log(`  ${mb(size).padStart(8)} MB file: ${small.toFixed(1)} ms`);
    console.log(`  ${mb(bigSize).padStart(8)} MB file: ${large.toFixed(1)} ms`);
  }
}
