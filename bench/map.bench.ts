/**
 * Micro-benchmark of the contact rules: rows per second of compileContactMapper().mapRow over
 * 1,000,000 synthetic rows of a typical export (names, company, country names and codes,
 * tags, timestamps, custom data, a yes/no segment), then of the EmailIndex on 1,000,000 distinct
 * emails (adds per second, bytes per email). Prints figures; asserts nothing.
 *
 *   node --import tsx bench/map.bench.ts [rows]
 */
import { EmailIndex } from '../src/main/engine/email-index';
import { compileContactMapper, proposeMapping } from '../src/shared/contact-rules';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const DISTINCT_ROWS = 100_000; // rows are generated once and cycled, to keep the bench's memory small

const headers = [
  'Email',
  'First Name',
  'Last Name',
  'Phone',
  'Company',
  'Country',
  'City',
  'Tags',
  'Created At',
  'data.plan',
  'data.ltv',
  'data.zip',
  'Newsletter',
];
const mapping = proposeMapping(headers);
mapping.columns[12] = {
  ...mapping.columns[12]!,
  target: { kind: 'segment_if_yes', segment: 'newsletter' },
};

const firstNames = ['Jane', 'Bob', 'Élodie', 'Jürgen', 'María', 'Li', 'Ama', 'Søren'];
const lastNames = ['Doe', 'Martin', 'Müller', 'García', 'Wang', 'Mensah', 'Ørsted', ''];
const countries = ['FR', 'Germany', 'us', 'España', 'United Kingdom', 'Pays-Bas', 'CH', 'Narnia'];
const cities = ['Paris', 'Berlin', 'Austin', 'Madrid', 'London', 'Utrecht', 'Zürich', ''];
const tags = ['vip|lead', 'customer, beta', 'lead', '', 'a b c', 'VIP|vip|Vip'];
const plans = ['free', 'pro', 'team', 'enterprise'];

function row(i: number): string[] {
  return [
    i % 50 === 0 ? 'not-an-email' : `User.${i}+news@Example${i % 97}.com`,
    firstNames[i % 8]!,
    lastNames[(i >> 3) % 8]!,
    `+33 6 ${String(10_000_000 + i).slice(0, 8)}`,
    i % 3 === 0 ? '' : `Company ${i % 1000}`,
    countries[i % 8]!,
    cities[(i >> 2) % 8]!,
    tags[i % 6]!,
    i % 2 === 0 ? String(1_600_000_000 + i) : `2023-0${(i % 9) + 1}-14T10:00:00Z`,
    plans[i % 4]!,
    (i % 1000) / 10 + '',
    `0${1000 + (i % 9000)}`,
    i % 4 === 0 ? 'yes' : 'no',
  ];
}

function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const rows = Array.from({ length: DISTINCT_ROWS }, (_, i) => row(i));
const mapper = compileContactMapper(mapping, headers);

// Warm-up, so the figures show the optimised code.
for (let i = 0; i < 50_000; i++) mapper.mapRow(rows[i % DISTINCT_ROWS]!, i + 2);

let valid = 0;
let issues = 0;
let start = process.hrtime.bigint();
for (let i = 0; i < ROWS; i++) {
  const mapped = mapper.mapRow(rows[i % DISTINCT_ROWS]!, i + 2);
  if (mapped.contact) valid++;
  issues += mapped.issues.length;
}
const mapSeconds = seconds(start);

const index = new EmailIndex();
let duplicates = 0;
start = process.hrtime.bigint();
for (let i = 0; i < ROWS; i++) {
  const mapped = mapper.mapRow(rows[i % DISTINCT_ROWS]!, i + 2);
  if (mapped.contact && index.add(mapped.contact.email)) duplicates++;
}
const mapAndIndexSeconds = seconds(start);

const distinct = new EmailIndex();
const emails = Array.from({ length: DISTINCT_ROWS }, (_, i) => `user.${i}@example${i % 97}.com`);
start = process.hrtime.bigint();
for (let i = 0; i < ROWS; i++) distinct.add(`${i}.${emails[i % DISTINCT_ROWS]!}`);
const indexSeconds = seconds(start);

const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en-US')}/s`;
console.log(`contact mapper, ${ROWS.toLocaleString('en-US')} rows x ${headers.length} columns`);
console.log(`  mapRow                 ${mapSeconds.toFixed(2)} s   ${rate(ROWS, mapSeconds)}`);
console.log(`    valid ${valid.toLocaleString('en-US')}, issues ${issues.toLocaleString('en-US')}`);
console.log(
  `  mapRow + EmailIndex    ${mapAndIndexSeconds.toFixed(2)} s   ${rate(ROWS, mapAndIndexSeconds)}` +
    `   (${duplicates.toLocaleString('en-US')} duplicate rows of ${DISTINCT_ROWS.toLocaleString('en-US')} distinct emails)`,
);
console.log(`email index, ${distinct.size.toLocaleString('en-US')} distinct emails`);
console.log(`  add                    ${indexSeconds.toFixed(2)} s   ${rate(ROWS, indexSeconds)}`);
console.log(
  `  memory                 ${(distinct.bytesUsed / 2 ** 20).toFixed(1)} MiB, ${(distinct.bytesUsed / distinct.size).toFixed(2)} bytes per email`,
);
console.log(`  peak RSS of this run   ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
