/**
 * Part of `npm run bench:send`: what imports cost through `crisp-import run` against the fake
 * Crisp over loopback, measured from outside (requests the fake server received).
 *
 * 1. Read plans: a file with 20 % existing contacts, 10 % of rows repeating an earlier email and
 *    custom data on every row, imported with one read per contact (`--lookups single`, the plan
 *    before bulk reads) and with the default plan (bulk reads where safe), per distinct contact.
 * 2. Next month's file: the same file again (unchanged), then with 5 % of the contacts changed,
 *    beside `--send-all` of the same file into a website in the same state (a full re-send).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeCrisp, type FakeCrisp, type ProfileSeed } from '../src/main/engine/fake-crisp';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'crisp-import.mjs');

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MixFile {
  rows: string[][];
  existing: ProfileSeed[];
  distinct: number;
}

const HEADER = 'email,first_name,last_name,tags,country,data.plan,data.score';

function mixFile(rows: number): MixFile {
  const random = seededRandom(11);
  const emails: string[] = [];
  const existing: ProfileSeed[] = [];
  const out: string[][] = [];
  for (let i = 0; i < rows; i++) {
    let email: string;
    if (random() < 0.1 && emails.length > 0) {
      email = emails[Math.floor(random() * emails.length)]!;
    } else {
      email = `person${i}@example.com`;
      emails.push(email);
      if (random() < 0.2) {
        existing.push({
          email,
          person: { nickname: 'Old Name' },
          segments: ['existing'],
          data: { plan: 'legacy' },
        });
      }
    }
    out.push([
      email,
      `First${i % 97}`,
      `Last${i % 89}`,
      random() < 0.5 ? 'vip' : 'lead',
      random() < 0.5 ? 'FR' : 'US',
      random() < 0.5 ? 'pro' : 'free',
      String(Math.floor(random() * 100)),
    ]);
  }
  return { rows: out, existing, distinct: emails.length };
}

/** The same rows with about `share` of the distinct emails changed (a data value, a name or a tag). */
function changed(file: MixFile, share: number): { rows: string[][]; emails: number } {
  const random = seededRandom(5);
  const picked = new Set<string>();
  for (const row of file.rows) if (random() < share) picked.add(row[0]!);
  const rows = file.rows.map((row, i) => {
    if (!picked.has(row[0]!)) return row;
    const copy = [...row];
    if (i % 3 === 0) copy[5] = copy[5] === 'pro' ? 'enterprise' : 'pro';
    else if (i % 3 === 1) copy[1] = 'Changed';
    else copy[3] = `${copy[3]}|newtag`;
    return copy;
  });
  return { rows, emails: picked.size };
}

async function runCli(crisp: FakeCrisp, file: string, stateDir: string, extra: string[]) {
  const before = crisp.requestLog().length;
  const args = [CLI, 'run', file, '--website', crisp.websiteId, '--api-url', crisp.url];
  args.push('--state-dir', stateDir, '--json', '--initial-rate', '500', ...extra);
  // The bench counts requests; the day's budget (10,000 for a website token) must not stop it.
  args.push('--daily-budget', '100000000', '--reserve', '0');
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  env.CRISP_IDENTIFIER = crisp.token.identifier;
  env.CRISP_KEY = crisp.token.key;
  env.CRISP_TIER = crisp.token.tier;
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  if (code !== 0 && code !== 1) throw new Error(`crisp-import run exited ${code}: ${stdout}`);
  const out = JSON.parse(stdout) as { unchanged?: number; created: number; updated: number };
  return { requests: crisp.requestLog().length - before, out };
}

async function website(file: MixFile, dir: string) {
  const crisp = await startFakeCrisp({});
  crisp.seedProfiles(file.existing);
  const stateDir = await mkdtemp(join(dir, 'state-'));
  return { crisp, stateDir };
}

const csv = (rows: string[][]): string =>
  [HEADER, ...rows.map((r) => r.join(','))].join('\n') + '\n';

export async function reimportSection(rowCount: number): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-reimport-'));
  try {
    const file = mixFile(rowCount);
    const path = join(dir, 'contacts.csv');
    await writeFile(path, csv(file.rows));
    console.log(
      `\nThrough the CLI: ${rowCount.toLocaleString('en-GB')} rows, ${file.distinct.toLocaleString('en-GB')} distinct emails ` +
        `(20 % existing, 10 % of rows repeat an email, custom data on every row)`,
    );
    const single = await website(file, dir);
    const one = await runCli(single.crisp, path, single.stateDir, ['--lookups', 'single']);
    const bulk = await website(file, dir);
    const first = await runCli(bulk.crisp, path, bulk.stateDir, []);
    const perSingle = one.requests / file.distinct;
    const perBulk = first.requests / file.distinct;
    console.log(
      `  first import, one read per contact   ${perSingle.toFixed(3)} requests per distinct contact`,
    );
    console.log(
      `  first import, bulk reads (default)   ${perBulk.toFixed(3)} requests per distinct contact   ratio ${(perBulk / perSingle).toFixed(2)}`,
    );

    // The same command again would only say the import is done (exit 4): --restart makes it a new
    // import of the same file, which the change ledger finds unchanged.
    const again = await runCli(bulk.crisp, path, bulk.stateDir, ['--restart']);
    console.log(
      `  the same file again (unchanged)      ${again.requests} requests (${(again.requests / rowCount).toFixed(4)} a row; ` +
        `${again.out.unchanged ?? 0} rows unchanged)   first import: ${first.requests}`,
    );

    const next = changed(file, 0.05);
    const nextPath = join(dir, 'next-month.csv');
    await writeFile(nextPath, csv(next.rows));
    const resend = await website(file, dir);
    await runCli(resend.crisp, path, resend.stateDir, []);
    const full = await runCli(resend.crisp, nextPath, resend.stateDir, ['--send-all']);
    const ours = await runCli(bulk.crisp, nextPath, bulk.stateDir, []);
    console.log(
      `  5 % changed (${next.emails} contacts)          ${(ours.requests / next.emails).toFixed(2)} requests per changed contact ` +
        `(${ours.requests} in all)   --send-all: ${full.requests}   ratio ${(ours.requests / full.requests).toFixed(3)}`,
    );
    for (const site of [single, bulk, resend]) await site.crisp.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
