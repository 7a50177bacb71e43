/**
 * `npm run bench:ledger`: the change ledger with 2,000,000 remembered emails.
 *
 * Builds (once, in bench/.data/ledger-state) the ledger of a website as a first import of the
 * 1,000,000-row bench file would leave it (every valid row, by occurrence), plus 1,000,000 other
 * emails: about 2,000,000 entries. Then, each in its own process (peak RSS its own), through
 * `crisp-import` as a person runs it (bin/crisp-import.mjs, the bundled command line), beside the
 * same without a ledger:
 * - the full-file check of the bench file against the ledger (it finds the unchanged rows), with
 *   the ledger's summary (`scan --website`, as the CLI and the app check) and with the full table
 *   (a child of this bench), whose counts must match (and match the re-import's unchanged rows);
 * - an unchanged re-import of the file: `crisp-import run` (reader, planner, journal, ledger) whose
 *   every row is unchanged, so nothing is sent (a fake Crisp on loopback, in the bench's own process,
 *   counts what is).
 * Prints seconds, rows/s, peak RSS, the ledger's bytes on disk per entry, and the floors: 32 bytes
 * an entry on disk; the check under 200 MB peak RSS (the scan's floor for this file); the re-import
 * under 300 MB (the whole-file scan's floor of a 1 GB file).
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { proposeMapping, compileContactMapper } from '../src/shared/contact-rules';
import { ChangeLedger } from '../src/main/engine/change-ledger';
import { scanContactsFile } from '../src/main/engine/contact-scan';
import { ContactPlanner } from '../src/main/engine/contact-planning';
import { detectCsvFormat, readCsvBatches } from '../src/main/engine/csv-reader';
import {
  ImportJobStore,
  openWebsiteLedger,
  openWebsiteLedgerSummary,
} from '../src/main/engine/import-jobs';
import { ensureBenchContactsFile } from './generate-contacts-file';
import { startFakeCrisp } from '../src/main/engine/fake-crisp';

const thisFile = fileURLToPath(import.meta.url);
const CLI = join(thisFile, '..', '..', 'bin', 'crisp-import.mjs');
const WEBSITE = '11111111-2222-4333-8444-555555555555';
/** The fake Crisp the re-import talks to (a fixed port: the ledger belongs to an API address). */
const FAKE_PORT = 47_913;
const API_URL = `http://127.0.0.1:${FAKE_PORT}`;
const TOKEN = { identifier: 'bench', key: 'bench-key', tier: 'website' as const };
const OTHER_EMAILS = 1_000_000;
const CHECK_RSS_FLOOR = 200e6;
const RUN_RSS_FLOOR = 300e6;

interface Measurement {
  name: string;
  seconds: number;
  rows: number;
  peakRssBytes: number;
  detail: string;
  /** Rows found unchanged and the requests they save (the checks), rows unchanged (the run). */
  unchangedRows?: number;
  requestsSaved?: number;
}

function stateDir(path: string): string {
  return join(path, '..', 'ledger-state');
}

/** The ledger a first import of the file leaves, plus other emails (once). */
async function ensureLedger(path: string): Promise<ChangeLedger> {
  const state = stateDir(path);
  const existing = await openWebsiteLedger({
    store: new ImportJobStore(state),
    websiteId: WEBSITE,
    apiUrl: API_URL,
    writable: false,
  });
  if (existing.size >= OTHER_EMAILS) return existing;
  console.log('Building the ledger (once)...');
  await rm(state, { recursive: true, force: true });
  await mkdir(state, { recursive: true });
  const ledger = await ChangeLedger.open({
    stateDir: state,
    websiteId: WEBSITE,
    apiUrl: API_URL,
    journals: [],
    writable: true,
  });
  const detection = await detectCsvFormat(path, {});
  const mapping = proposeMapping(detection.headers);
  const mapper = compileContactMapper(mapping, detection.headers);
  const job = 'first-import';
  const at = new Date().toISOString();
  const planner = new ContactPlanner({
    ledger,
    jobId: job,
    startedAt: at,
    emptyCells: mapping.emptyCells,
    sendAll: true,
  });
  for await (const batch of readCsvBatches(path, detection)) {
    for (const record of batch) {
      const contact = mapper.mapRow(record.fields, record.row).contact;
      if (!contact) continue;
      const decision = planner.plan({
        email: contact.email,
        rows: [{ row: record.row, offset: record.offset, contact }],
      });
      for (const row of decision.send?.rows ?? []) {
        if (row.note) ledger.apply(job, at, { outcome: 'created', note: row.note });
      }
      planner.settled(contact.email, false);
      planner.durable(contact.email);
    }
  }
  for (let i = 0; i < OTHER_EMAILS; i++) {
    const high = Math.floor(Math.random() * 0x100000000);
    const low = Math.floor(Math.random() * 0x100000000);
    const part = () => ({ high: i & 0xffff, low: (i * 2654435761) >>> 0 });
    ledger.apply(job, at, {
      outcome: 'created',
      note: {
        hashHigh: high,
        hashLow: low,
        occurrence: 1,
        digest: { profile: part(), segments: part(), data: part() },
      },
    });
  }
  await ledger.save();
  return ledger;
}

async function entriesFileBytes(dir: string): Promise<number> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('entries-'));
  let newest = 0;
  for (const name of names) newest = Math.max(newest, (await stat(join(dir, name))).size);
  return newest;
}

// ---------------------------------------------------------------------------------------------
// In the child

/** `how`: none (no ledger), summary (what the CLI and the app use) or the full ledger. */
async function measureCheck(path: string, how: 'none' | 'summary' | 'full'): Promise<Measurement> {
  const started = performance.now();
  const where = {
    store: new ImportJobStore(stateDir(path)),
    websiteId: WEBSITE,
    apiUrl: API_URL,
  };
  const ledger =
    how === 'summary'
      ? await openWebsiteLedgerSummary(where)
      : how === 'full'
        ? await openWebsiteLedger({ ...where, writable: false })
        : null;
  const report = await scanContactsFile(path, { ledger });
  const names = {
    none: 'check, no ledger',
    summary: 'check, with the 2M-email ledger (summary)',
    full: 'check, with the 2M-email ledger (full table)',
  };
  return {
    name: names[how],
    seconds: (performance.now() - started) / 1000,
    rows: report.rows,
    peakRssBytes: 0,
    detail: ledger
      ? `${report.unchanged?.rows ?? 0} unchanged of ${report.valid} valid, ${report.unchanged?.requestsSaved ?? 0} requests saved, ${report.estimate.requests} requests left`
      : `${report.valid} valid, ${report.estimate.requests} requests`,
    unchangedRows: report.unchanged?.rows ?? 0,
    requestsSaved: report.unchanged?.requestsSaved ?? 0,
  };
}

/** A child process and its stdout, or a failure with its stderr (the fake must answer meanwhile). */
function spawnChild(
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string; status: number | null }> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      if (status === null || status > 1)
        reject(new Error(`${label} failed:\n${stderr.slice(-3000)}`));
      else resolve({ stdout, stderr, status });
    });
  });
}

/** The full ledger's check, in a child of this bench: the CLI never loads the full table. */
async function runFullCheckChild(path: string): Promise<Measurement> {
  const { stdout } = await spawnChild('check-full', process.execPath, [
    '--import',
    'tsx',
    thisFile,
    '--measure',
    'check-full',
    path,
  ]);
  return JSON.parse(stdout.trim().split('\n').pop()!) as Measurement;
}

/**
 * `crisp-import <args> --json` as a person runs it (the bundled command line, bin/crisp-import.mjs),
 * timed by /usr/bin/time: elapsed seconds and the peak RSS of the CLI's process.
 */
async function runCli(
  args: string[],
): Promise<{ json: Record<string, unknown>; seconds: number; peakRssBytes: number }> {
  const env = {
    ...process.env,
    NO_COLOR: '1',
    CRISP_IDENTIFIER: TOKEN.identifier,
    CRISP_KEY: TOKEN.key,
    CRISP_TIER: TOKEN.tier,
  };
  const { stdout, stderr } = await spawnChild(
    args[0]!,
    '/usr/bin/time',
    ['-f', 'BENCH %e %M', process.execPath, CLI, ...args, '--json'],
    env,
  );
  const figures = stderr.split('\n').find((line) => line.startsWith('BENCH '));
  if (!figures) throw new Error(`${args[0]}: no figures\n${stderr.slice(-2000)}`);
  const [, seconds, kib] = figures.split(' ');
  return {
    json: JSON.parse(stdout) as Record<string, unknown>,
    seconds: Number(seconds),
    peakRssBytes: Number(kib) * 1024,
  };
}

async function cliCheck(path: string, withLedger: boolean): Promise<Measurement> {
  const where = ['--website', WEBSITE, '--api-url', API_URL, '--state-dir', stateDir(path)];
  const { json, seconds, peakRssBytes } = await runCli([
    'scan',
    path,
    ...(withLedger ? where : []),
  ]);
  const report = json as {
    rows: number;
    valid: number;
    estimate: { requests: number };
    unchanged?: { rows: number; requestsSaved: number } | null;
  };
  return {
    name: withLedger
      ? 'crisp-import scan --website (the 2M-email ledger)'
      : 'crisp-import scan (no ledger)',
    seconds,
    rows: report.rows,
    peakRssBytes,
    detail: withLedger
      ? `${report.unchanged?.rows ?? 0} unchanged of ${report.valid} valid, ${report.unchanged?.requestsSaved ?? 0} requests saved, ${report.estimate.requests} requests left`
      : `${report.valid} valid, ${report.estimate.requests} requests`,
    unchangedRows: report.unchanged?.rows ?? 0,
    requestsSaved: report.unchanged?.requestsSaved ?? 0,
  };
}

async function cliReimport(path: string): Promise<Measurement> {
  const state = stateDir(path);
  const { json, seconds, peakRssBytes } = await runCli([
    'run',
    path,
    '--website',
    WEBSITE,
    '--api-url',
    API_URL,
    '--state-dir',
    state,
    '--daily-budget',
    '10000000',
    '--exit-on-wait',
  ]);
  const c = json as {
    job: string;
    state: string;
    rows: number;
    unchanged: number;
    created: number;
    updated: number;
    failed: number;
    skipped: number;
    requests: number;
  };
  // Leave the ledger as it was for the next run (the bench's job is removed).
  await rm(new ImportJobStore(state).paths(c.job).dir, { recursive: true, force: true });
  return {
    name: 'crisp-import run, unchanged re-import',
    seconds,
    rows: c.rows,
    peakRssBytes,
    detail: `${c.state}: ${c.unchanged} unchanged, ${c.created + c.updated} sent, ${c.failed} failed, ${c.skipped} skipped, ${c.requests} requests`,
    unchangedRows: c.unchanged,
  };
}

async function child(kind: string, path: string): Promise<void> {
  const measurement = await measureCheck(
    path,
    kind === 'check-ledger' ? 'summary' : kind === 'check-full' ? 'full' : 'none',
  );
  measurement.peakRssBytes = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify(measurement)}\n`);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const path = await ensureBenchContactsFile();
  const ledger = await ensureLedger(path);
  const onDisk = await entriesFileBytes(ledger.dir);
  console.log(
    `Change ledger: ${ledger.size.toLocaleString('en-US')} entries, ${(onDisk / 1e6).toFixed(1)} MB on disk = ` +
      `${(onDisk / ledger.size).toFixed(2)} bytes an entry (floor 32)`,
  );
  const crisp = await startFakeCrisp({ websiteId: WEBSITE, tokens: [TOKEN] }, { port: FAKE_PORT });
  let received = 0;
  crisp.onRequest(() => (received += 1));
  const rows: Measurement[] = [];
  try {
    rows.push(await cliCheck(path, false));
    rows.push(await cliCheck(path, true));
    rows.push(await runFullCheckChild(path));
    rows.push(await cliReimport(path));
  } finally {
    await crisp.close();
  }
  console.log('');
  console.log('| run | seconds | rows/s | peak RSS | detail |');
  console.log('| --- | ---: | ---: | ---: | --- |');
  for (const m of rows) {
    console.log(
      `| ${m.name} | ${m.seconds.toFixed(2)} | ${Math.round(m.rows / m.seconds).toLocaleString('en-US')} | ` +
        `${(m.peakRssBytes / 1e6).toFixed(0)} MB | ${m.detail} |`,
    );
  }
  const [plain, check, full, reimport] = rows as [
    Measurement,
    Measurement,
    Measurement,
    Measurement,
  ];
  console.log('');
  console.log(
    `Check with the ledger: ${(check.peakRssBytes / 1e6).toFixed(0)} MB (floor ${CHECK_RSS_FLOOR / 1e6} MB): ${check.peakRssBytes < CHECK_RSS_FLOOR ? 'met' : 'NOT met'}; ` +
      `${((check.peakRssBytes - plain.peakRssBytes) / 1e6).toFixed(0)} MB more than without, time ratio ${(check.seconds / plain.seconds).toFixed(2)}`,
  );
  const sameAsFull =
    check.unchangedRows === full.unchangedRows && check.requestsSaved === full.requestsSaved;
  console.log(
    `The summary's counts ${sameAsFull ? 'match' : 'DO NOT match'} the full ledger's ` +
      `(${check.unchangedRows} and ${full.unchangedRows} rows unchanged, ${check.requestsSaved} and ${full.requestsSaved} requests saved); ` +
      `the re-import found ${reimport.unchangedRows} rows unchanged: ${reimport.unchangedRows === check.unchangedRows ? 'the same' : 'NOT the same'}`,
  );
  console.log(
    `Unchanged re-import: ${(reimport.peakRssBytes / 1e6).toFixed(0)} MB (floor ${RUN_RSS_FLOOR / 1e6} MB): ${reimport.peakRssBytes < RUN_RSS_FLOOR ? 'met' : 'NOT met'}; ` +
      `the fake Crisp received ${received} requests (an unchanged file should cost none)`,
  );
}

const measure = process.argv.indexOf('--measure');
if (measure >= 0) await child(process.argv[measure + 1]!, process.argv[measure + 2]!);
else await main();
