// Shared by the reliability and cli-run tests: a deterministic contacts file with duplicates,
// existing contacts, segments and custom data; the CLI spawned as a real process; comparison of
// what the fake Crisp server holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FakeCrisp, ProfileSeed, StoredProfile } from '../../src/main/engine/fake-crisp';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'bin', 'crisp-import.mjs');

/** Small deterministic generator (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface ContactsFile {
  path: string;
  rows: number;
  /** Profiles that exist in Crisp before the import. */
  existing: ProfileSeed[];
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Chloé', 'Jürgen', 'Zoë', 'Björn', 'Mía', 'Olu', 'Ravi'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dupont', 'Müller', 'García', 'Nakamura', 'Okafor'];
const TAGS = ['vip', 'eu', 'us', 'newsletter', 'trial', 'churned', 'partner'];
const PLANS = ['free', 'pro', 'team', ''];

/**
 * `rows` data rows: ~8% repeat an earlier email (with other segments and data), ~10% are
 * contacts that already exist in Crisp, ~1% have a broken email (skipped).
 */
export async function writeContactsFile(
  dir: string,
  rows: number,
  seed = 7,
): Promise<ContactsFile> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const lines = ['email,first_name,last_name,tags,country,data.plan,data.score'];
  const emails: string[] = [];
  const existing: ProfileSeed[] = [];
  for (let i = 0; i < rows; i++) {
    let email: string;
    const dice = random();
    if (dice < 0.08 && emails.length > 0) email = pick(emails);
    else if (dice < 0.09) email = `broken-${i}.example.com`;
    else {
      email = `person${i}@example.com`;
      emails.push(email);
      if (random() < 0.1) {
        existing.push({
          email,
          person: { nickname: 'Old Name', geolocation: { country: 'FR' } },
          segments: ['existing', pick(TAGS)],
          data: { plan: 'legacy', kept: 'yes' },
        });
      }
    }
    const tags = Array.from({ length: Math.floor(random() * 3) }, () => pick(TAGS)).join('|');
    const cells = [
      email,
      pick(FIRST),
      pick(LAST),
      tags,
      pick(['US', 'DE', 'FR', 'ES', '']),
      pick(PLANS),
      String(Math.floor(random() * 100)),
    ];
    lines.push(cells.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','));
  }
  const path = join(dir, `contacts-${rows}-${seed}.csv`);
  await writeFile(path, lines.join('\n') + '\n');
  return { path, rows, existing };
}

/** What a profile holds, without ids and timestamps (which differ between two servers). */
export function comparableProfiles(crisp: FakeCrisp): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of crisp.listProfiles()) out[p.email] = comparable(p);
  return out;
}

function comparable(p: StoredProfile): unknown {
  return {
    person: p.person,
    company: p.company,
    segments: [...p.segments].sort(),
    notepad: p.notepad,
    data: p.data,
  };
}

export interface CliRun {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

/** Spawns `node bin/crisp-import.mjs <args>` with the fake server's token in CRISP_* variables. */
export function spawnCli(
  args: string[],
  crisp: FakeCrisp | null,
  extraEnv: NodeJS.ProcessEnv = {},
): CliRun {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extraEnv, NO_COLOR: '1' };
  delete env.CRISP_WEBSITE_ID;
  delete env.CRISP_API_URL;
  if (crisp) {
    env.CRISP_IDENTIFIER = crisp.token.identifier;
    env.CRISP_KEY = crisp.token.key;
    env.CRISP_TIER = crisp.token.tier;
  }
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = {
    child,
    stdout: '',
    stderr: '',
    done: Promise.resolve({ code: null, signal: null, stdout: '', stderr: '' }),
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (run.stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (run.stderr += d));
  run.done = new Promise((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: run.stdout, stderr: run.stderr }),
    );
  });
  return run;
}
