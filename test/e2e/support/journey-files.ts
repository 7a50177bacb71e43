// The files of the end-to-end journey: a shop export with the problems real exports have (an
// invalid email, a missing email, a repeated email, an unknown country), written by the test.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const JOURNEY_HEADERS = [
  'Email',
  'First Name',
  'Last Name',
  'Company',
  'Country',
  'Tags',
  'Loyalty Tier',
];

export interface JourneyContact {
  email: string;
  first: string;
  last: string;
  company: string;
  country: string;
  tags: string[];
  tier: string;
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Katherine',
  'Linus',
  'Margaret',
  'Tim',
  'Barbara',
  'Émile',
  'Zoë',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Johnson',
  'Torvalds',
  'Hamilton',
  'Lee',
  'Liskov',
  'Durand',
  'Müller',
];
const TIERS = ['gold', 'silver', 'bronze'];
const COUNTRIES = ['FR', 'Germany', 'US', 'España', 'GB'];

/** `count` valid, distinct contacts. */
export function journeyContacts(count: number, prefix: string): JourneyContact[] {
  return Array.from({ length: count }, (_, i) => ({
    email: `${prefix}.${i}@shop.example`,
    first: FIRST[i % FIRST.length]!,
    last: LAST[(i * 3) % LAST.length]!,
    company: `Company ${i % 7}`,
    country: COUNTRIES[i % COUNTRIES.length]!,
    tags: i % 2 === 0 ? ['customer', 'newsletter'] : ['customer'],
    tier: TIERS[i % TIERS.length]!,
  }));
}

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function line(cells: string[]): string {
  return cells.map(csvCell).join(',');
}

export interface JourneyFile {
  path: string;
  contacts: JourneyContact[];
  /** Rows (spreadsheet numbering) that cannot be imported. */
  invalidRows: number[];
  /** Data rows in the file. */
  rows: number;
}

/**
 * The March export: `count` contacts, then three rows with problems: an invalid email, a row with
 * no email, and a second row of the first contact's email in another case (an update).
 */
export async function writeJourneyFile(
  dir: string,
  name: string,
  count: number,
  prefix: string,
): Promise<JourneyFile> {
  const contacts = journeyContacts(count, prefix);
  const lines = [line(JOURNEY_HEADERS)];
  for (const c of contacts) {
    lines.push(line([c.email, c.first, c.last, c.company, c.country, c.tags.join('|'), c.tier]));
  }
  lines.push(line(['not-an-email', 'Broken', 'Row', 'Nowhere Ltd', 'FR', 'customer', 'gold']));
  lines.push(line(['', 'No', 'Email', 'Nowhere Ltd', 'FR', 'customer', 'gold']));
  const first = contacts[0]!;
  lines.push(
    line([
      first.email.toUpperCase(),
      first.first,
      first.last,
      first.company,
      'Atlantis',
      'vip',
      first.tier,
    ]),
  );
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\r\n')}\r\n`);
  return { path, contacts, invalidRows: [count + 2, count + 3], rows: count + 3 };
}
