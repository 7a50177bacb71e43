import { describe, expect, it } from 'vitest';
import type { ContactProfile } from '../../src/shared/contact-profile';
import {
  combinedDigest,
  combinedDigestOfContact,
  digestContact,
  type ContactDigest,
} from '../../src/main/engine/change-ledger';
import { emailHash64 } from '../../src/main/engine/email-index';
import { seededRandom } from '../integration/reliability-support';

// The digests as they were first defined (plain objects, arrays and JSON texts): the digests
// written without building any text must stay byte for byte the same, or every ledger on disk
// would stop matching (a re-import would send every row again).
function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonical(item)).join(',')}]`;
  const record = value as Record<string, unknown>;
  const members = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`);
  return `{${members.join(',')}}`;
}

function part(text: string): { high: number; low: number } {
  const [high, low] = emailHash64(text);
  return { high: high >>> 16, low: low >>> 0 };
}

function referenceDigest(contact: ContactProfile, emptyCells: 'clear' | 'keep'): ContactDigest {
  const segments = [
    ...new Set(contact.segments.map((s) => s.trim().toLowerCase()).filter((s) => s !== '')),
  ].sort();
  return {
    profile: part(
      canonical({
        n: contact.nickname,
        g: contact.nicknameSource === 'email',
        p: contact.person,
        c: contact.company,
        o: contact.notepad,
      }),
    ),
    segments: part(contact.segments.length === 0 ? '[]' : JSON.stringify(segments)),
    data: part(
      canonical({
        d: contact.data,
        x: emptyCells === 'clear' ? [...contact.clearedDataKeys].sort() : [],
      }),
    ),
  };
}

const ODD_TEXTS = [
  'plain',
  'Zoë Øre 李 🎉',
  'quote " and back\\slash',
  'line\nbreak\r\ttab\b\f',
  '\u0000\u0001\u001f control',
  'lone \ud800 high',
  'lone \udc00 low',
  'pair 😀 end\ud83d',
  '  spaced  ',
  'UPPER Case',
  '',
  '\u2028\u2029 separators',
];

function randomContact(random: () => number): ContactProfile {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const maybe = <T>(value: T): T | undefined => (random() < 0.5 ? value : undefined);
  const text = (): string =>
    pick(ODD_TEXTS) + (random() < 0.5 ? String(Math.floor(random() * 99)) : '');
  const data: Record<string, string | number | boolean> = {};
  const dataKeys = Math.floor(random() * 5);
  for (let i = 0; i < dataKeys; i++) {
    const key = pick(['plan', 'ltv', 'Zeta', 'a_b', '10', '2', 'ünï', 'x"y']);
    data[key] = pick<string | number | boolean>([
      text(),
      Math.floor(random() * 1e6),
      random() * 100,
      -0,
      1e21,
      -123,
      0,
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      2 ** 60,
      5e-7,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      true,
      false,
    ]);
  }
  const contact: ContactProfile = {
    email: `someone${Math.floor(random() * 1000)}@example.com`,
    nickname: text() || 'n',
    nicknameSource: pick(['first_last', 'full_name', 'email'] as const),
    person: {
      phone: maybe(text()),
      address: maybe(text()),
      timezone: maybe(Math.floor(random() * 1000) - 500),
      locales: maybe([text(), text()]),
      employment: maybe({ name: maybe(text()), title: maybe(text()), role: maybe(text()) }),
      geolocation: maybe({ country: maybe(text()), city: maybe(text()) }),
    },
    company: random() < 0.5 ? {} : { name: maybe(text()), domain: maybe(text()) },
    segments: Array.from({ length: Math.floor(random() * 5) }, () =>
      pick(['VIP', ' vip ', 'Lead', 'lead', '', '  ', 'Zoë', text()]),
    ),
    notepad: maybe(text()),
    data,
    clearedDataKeys: Array.from({ length: Math.floor(random() * 3) }, () =>
      pick(['b', 'a', 'Zed', 'ä', 'plan']),
    ),
  };
  return contact;
}

describe('digestContact', () => {
  it('gives exactly the digests of the plain canonical texts, on varied contacts', () => {
    const random = seededRandom(11);
    for (let i = 0; i < 3000; i++) {
      const contact = randomContact(random);
      for (const emptyCells of ['clear', 'keep'] as const) {
        expect(digestContact(contact, emptyCells)).toEqual(referenceDigest(contact, emptyCells));
      }
    }
  });

  it('tells contacts apart by each part, and not by segment order, case or repeats', () => {
    const base = randomContact(seededRandom(5));
    base.segments = ['VIP', 'Lead'];
    const same = { ...base, segments: [' lead', 'vip', 'VIP'] };
    expect(digestContact(same, 'clear')).toEqual(digestContact(base, 'clear'));
    const renamed = { ...base, nickname: `${base.nickname}x` };
    const a = digestContact(base, 'clear');
    const b = digestContact(renamed, 'clear');
    expect(b.profile).not.toEqual(a.profile);
    expect(b.segments).toEqual(a.segments);
    expect(b.data).toEqual(a.data);
  });

  it('gives the combined digest of its three parts, never 0', () => {
    const random = seededRandom(17);
    for (let i = 0; i < 200; i++) {
      const contact = randomContact(random);
      const d = digestContact(contact, 'clear');
      const combined = combinedDigestOfContact(contact, 'clear');
      expect(combined).toBe(
        combinedDigest(
          d.profile.high,
          d.profile.low,
          d.segments.high,
          d.segments.low,
          d.data.high,
          d.data.low,
        ),
      );
      expect(combined).toBeGreaterThan(0);
      expect(combined).toBeLessThan(2 ** 40);
    }
  });
});
