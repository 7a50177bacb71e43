/**
 * The benchmark contacts file: generated once, deterministically (seeded PRNG), into
 * bench/.data/contacts-<rows>.csv (gitignored), and reused by every bench.
 *
 * It holds what real exports hold: quoted values with commas and doubled quotes, line breaks
 * inside quoted notes, multibyte names and cities (é, ß, 李, emoji), CRLF line endings, about 1%
 * duplicate emails (another case or spacing of an earlier row's email) and about 0.5% invalid ones.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_CONTACTS_HEADER =
  'email,first_name,last_name,phone,company,city,country,segments,data.plan,data.ltv,notes';

const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), '.data');

/** Mulberry32: a small, fast, seeded PRNG (same seed, same file, on every machine). */
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

const FIRST_NAMES = [
  ['Jane', 'jane'],
  ['John', 'john'],
  ['José', 'jose'],
  ['Zoë', 'zoe'],
  ['Élodie', 'elodie'],
  ['Jürgen', 'juergen'],
  ['Søren', 'soren'],
  ['Łukasz', 'lukasz'],
  ['Amélie', 'amelie'],
  ['Li', 'li'],
  ['李', 'li'],
  ['Yuki', 'yuki'],
  ['Ana', 'ana'],
  ['Müge', 'muge'],
  ['Olivia', 'olivia'],
  ['Noah', 'noah'],
  ['Chloé', 'chloe'],
  ['François', 'francois'],
  ['Ömer', 'omer'],
  ['Sam', 'sam'],
] as const;
const LAST_NAMES = [
  ['Doe', 'doe'],
  ['Smith', 'smith'],
  ['Müller', 'mueller'],
  ['Weiß', 'weiss'],
  ['García', 'garcia'],
  ['Dupont', 'dupont'],
  ['Straße', 'strasse'],
  ['王', 'wang'],
  ['Nowak', 'nowak'],
  ['Østergaard', 'ostergaard'],
  ['Martin', 'martin'],
  ['Rossi', 'rossi'],
  ['Brown', 'brown'],
  ['Lefèvre', 'lefevre'],
  ['Kim', 'kim'],
] as const;
const DOMAINS = [
  'example.com',
  'mail.example.org',
  'shop.example.fr',
  'example.de',
  'firma.example.net',
];
const COMPANIES = [
  'Acme',
  'Acme, Inc.',
  'Globex',
  'Initech, LLC',
  'The "Best" Shop',
  'Müller & Söhne GmbH',
  'Café Lumière',
  '李氏贸易',
  'Umbrella Corp',
  '',
  '',
];
const CITIES = [
  'Paris',
  'München',
  'São Paulo',
  'Zürich',
  'Kraków',
  '北京',
  'New York',
  'Lyon',
  'Sevilla',
  '',
];
const COUNTRIES = [
  'FR',
  'DE',
  'US',
  'BR',
  'CH',
  'PL',
  'CN',
  'Germany',
  'España',
  'Deutschland',
  'fr',
  '',
];
const SEGMENTS = [
  'customer',
  'vip|newsletter',
  'lead, trial',
  'newsletter',
  'partner|vip|beta',
  '',
  '',
];
const PLANS = ['free', 'pro', 'enterprise', 'pro', 'free'];
const NOTES = [
  'Called on Monday, wants a demo',
  'Line one of a note\nLine two, after a break',
  '🎉 Loyal customer since 2019',
  'Said: "call me back" next week',
  'Prefers email.\r\nDo not call before 10:00.',
];
const INVALID_EMAILS = [
  'not-an-email',
  'jane.doe@',
  'john@@example.com',
  'x y@example.com',
  '@example.com',
];

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function emailOf(index: number): string {
  const h = Math.imul(index + 1, 2654435761) >>> 0;
  const first = FIRST_NAMES[h % FIRST_NAMES.length]![1];
  const last = LAST_NAMES[(h >>> 8) % LAST_NAMES.length]![1];
  return `${first}.${last}.${index}@${DOMAINS[(h >>> 16) % DOMAINS.length]}`;
}

/** Path of the benchmark file with `rows` contacts, generated on first use. */
export async function ensureBenchContactsFile(rows = 1_000_000): Promise<string> {
  const path = join(DATA_DIR, `contacts-${rows}.csv`);
  if (
    await stat(path).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return path;
  await mkdir(DATA_DIR, { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  const random = seededRandom(20240601 + rows);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const out = createWriteStream(partial, { encoding: 'utf8' });
  try {
    out.write(`${BENCH_CONTACTS_HEADER}\r\n`);
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const [first] = pick(FIRST_NAMES);
      const [last] = pick(LAST_NAMES);
      const roll = random();
      let email: string;
      if (roll < 0.005) email = pick(INVALID_EMAILS);
      else if (roll < 0.015 && i > 0) {
        // A duplicate of an earlier row, written another way (case, spaces) as real files do.
        const earlier = emailOf(Math.floor(random() * i));
        email = random() < 0.5 ? earlier.toUpperCase() : ` ${earlier} `;
      } else email = emailOf(i);
      const phone =
        random() < 0.7 ? `+33 6 ${String(Math.floor(random() * 1e8)).padStart(8, '0')}` : '';
      const ltv = (random() * 5000).toFixed(2);
      const notes = random() < 0.3 ? pick(NOTES) : '';
      lines.push(
        [
          email,
          first,
          last,
          phone,
          pick(COMPANIES),
          pick(CITIES),
          pick(COUNTRIES),
          pick(SEGMENTS),
          pick(PLANS),
          ltv,
          notes,
        ]
          .map(csvCell)
          .join(','),
      );
      if (lines.length === 10_000 || i === rows - 1) {
        if (!out.write(`${lines.join('\r\n')}\r\n`)) await once(out, 'drain');
        lines.length = 0;
      }
    }
    out.end();
    await once(out, 'finish');
    await rename(partial, path);
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const started = performance.now();
  const path = await ensureBenchContactsFile(rows);
  const { size } = await stat(path);
  console.log(
    `${path}: ${rows} rows, ${(size / 1e6).toFixed(1)} MB (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}
