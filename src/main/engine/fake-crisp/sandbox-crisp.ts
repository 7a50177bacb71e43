/**
 * A fake Crisp server for trying the importer without a Crisp account: a few demo contacts that
 * already exist, no quota unless asked for. Used by `crisp-import sandbox`, `run --sandbox` and
 * the desktop app's sandbox connection.
 */
import { startFakeCrisp } from './fake-crisp-server';
import type { FakeCrisp, FakeCrispConfigPatch, ProfileSeed } from './fake-crisp-types';

export interface SandboxOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /** How many demo contacts already exist (default 5). */
  existingContacts?: number;
  /** Daily quota per token; default none. */
  dailyQuota?: number | null;
  /** Per-route rate limit in requests/s (429 with Retry-After); default none. */
  ratePerSecond?: number | null;
  /** Anything else to configure. */
  config?: FakeCrispConfigPatch;
}

const DEMO_PEOPLE: ReadonlyArray<{ first: string; last: string; company: string; domain: string }> =
  [
    { first: 'Ada', last: 'Lovelace', company: 'Analytical Engines', domain: 'analytical.example' },
    { first: 'Grace', last: 'Hopper', company: 'Cobol Works', domain: 'cobol.example' },
    { first: 'Alan', last: 'Turing', company: 'Bletchley Labs', domain: 'bletchley.example' },
    { first: 'Katherine', last: 'Johnson', company: 'Orbit Math', domain: 'orbit.example' },
    { first: 'Linus', last: 'Torvalds', company: 'Kernel Shop', domain: 'kernel.example' },
    { first: 'Margaret', last: 'Hamilton', company: 'Apollo Software', domain: 'apollo.example' },
    { first: 'Tim', last: 'Berners-Lee', company: 'Hypertext Ltd', domain: 'hypertext.example' },
    { first: 'Barbara', last: 'Liskov', company: 'Substitution Inc', domain: 'liskov.example' },
  ];

/** `count` demo contacts that "already exist in Crisp", the same on every start. */
export function demoContacts(count: number): ProfileSeed[] {
  const seeds: ProfileSeed[] = [];
  for (let index = 0; index < count; index += 1) {
    const demo = DEMO_PEOPLE[index % DEMO_PEOPLE.length] ?? DEMO_PEOPLE[0]!;
    const round = Math.floor(index / DEMO_PEOPLE.length);
    const suffix = round === 0 ? '' : `+${round}`;
    const local = `${demo.first}.${demo.last}`.toLowerCase().replace(/[^a-z.-]/g, '');
    seeds.push({
      email: `${local}${suffix}@${demo.domain}`,
      person: {
        nickname: `${demo.first} ${demo.last}`,
        employment: { name: demo.company, title: 'Engineer' },
        geolocation: { country: 'GB' },
      },
      company: { name: demo.company, domain: demo.domain },
      segments: index % 2 === 0 ? ['demo', 'customer'] : ['demo'],
      notepad: 'Demo contact of the sandbox',
      data: { plan: index % 3 === 0 ? 'pro' : 'free', signup_year: 2020 + (index % 5) },
    });
  }
  return seeds;
}

export async function startSandboxCrisp(options: SandboxOptions = {}): Promise<FakeCrisp> {
  const config: FakeCrispConfigPatch = { ...options.config };
  if (options.dailyQuota !== undefined && options.dailyQuota !== null) {
    config.dailyQuota = { limit: options.dailyQuota };
  }
  if (options.ratePerSecond !== undefined && options.ratePerSecond !== null) {
    config.rateLimit = { perSecond: options.ratePerSecond, status: 429, retryAfter: 'seconds' };
  }
  const crisp = await startFakeCrisp(config, {
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.host !== undefined ? { host: options.host } : {}),
  });
  crisp.seedProfiles(demoContacts(options.existingContacts ?? 5));
  return crisp;
}
