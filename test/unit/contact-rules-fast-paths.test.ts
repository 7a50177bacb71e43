/**
 * The scan's hot paths read cells by hand (no regular expressions, no case conversion of whole
 * cells). Each is compared here with the plain rule it stands for, over many random cells built
 * to hit the edges (case, spaces, dots, hyphens, digits, non-ASCII letters that change length or
 * turn into ASCII when their case changes).
 */
import { describe, expect, it } from 'vitest';
import {
  addSegment,
  isCountryCode,
  isValidEmail,
  normalizeCountry,
  normalizeEmail,
  parseDataValue,
} from '../../src/shared/contact-rules';
import { autoDataValue } from '../../src/shared/contact-rules/data-value';
import { plainEmail } from '../../src/shared/contact-rules/email-address';

/** Deterministic pseudo-random numbers (mulberry32). */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function word(random: () => number, alphabet: readonly string[], maxLength: number): string {
  let text = '';
  const length = Math.floor(random() * (maxLength + 1));
  for (let i = 0; i < length; i++) text += pick(random, alphabet);
  return text;
}

const EMAIL_ALPHABET = [
  ...'abcxyzABCXYZ0189',
  ...'.-_+@',
  ...".-_+!#$%&'*/=?^`{|}~",
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u0000',
  '"',
  '<',
  '>',
  ',',
  ';',
  '(',
  ')',
  '[',
  ']',
  ':',
  '\\',
  'é',
  'İ',
  'K', // Kelvin sign: lower-cases to ASCII k
  'ß',
  '李',
];
const WORD_ALPHABET = [...'abcdexyz019', '-', '_', '+', '.'];

function isAsciiText(text: string): boolean {
  return [...text].every((c) => c.charCodeAt(0) < 0x80);
}

/** Cells that look like emails (most of them valid), then mutated. */
function emailCell(random: () => number): string {
  const roll = random();
  if (roll < 0.2) return word(random, EMAIL_ALPHABET, 12);
  const labels: string[] = [];
  const count = 1 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) labels.push(word(random, [...'abcxyz019-'], 8));
  // Now and then a label or a local part around the length limits (63 and 64).
  if (random() < 0.05) labels[0] = 'b'.repeat(60 + Math.floor(random() * 6));
  const local =
    random() < 0.05 ? 'a'.repeat(61 + Math.floor(random() * 6)) : word(random, WORD_ALPHABET, 10);
  if (random() < 0.8) labels.push(pick(random, ['com', 'FR', 'io', 'c', '42', 'x1', 'co-']));
  let cell = `${local}@${labels.join('.')}`;
  if (roll < 0.6) {
    // Mutate: insert, replace or drop a few characters anywhere.
    const edits = 1 + Math.floor(random() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(random() * (cell.length + 1));
      const what = random();
      const char = pick(random, EMAIL_ALPHABET);
      if (what < 0.4) cell = cell.slice(0, at) + char + cell.slice(at);
      else if (what < 0.8) cell = cell.slice(0, at) + char + cell.slice(at + 1);
      else cell = cell.slice(0, at) + cell.slice(at + 1);
    }
  }
  const capitals = random();
  if (capitals < 0.2) cell = cell.toUpperCase();
  else if (capitals < 0.4) cell = cell.replace(/[a-z]/, (c) => c.toUpperCase());
  if (random() < 0.2) cell = pick(random, [' ', '\t', '\u00a0', '\r\n', '']) + cell;
  if (random() < 0.2) cell += pick(random, [' ', '\t', '\u3000', '\n', '']);
  if (random() < 0.05) cell = `${cell.slice(0, 60)}${'a'.repeat(Math.floor(random() * 260))}`;
  return cell;
}

describe('plainEmail (the common case of normalizeEmail, read in one pass)', () => {
  it('gives exactly what trimming, lower-casing and the syntax check give, or leaves the cell to normalizeEmail', () => {
    const random = randomSource(20261128);
    let accepted = 0;
    let validByRule = 0;
    for (let n = 0; n < 200_000; n++) {
      const cell = emailCell(random);
      const lower = cell.trim().toLowerCase();
      const valid = lower !== '' && isValidEmail(lower);
      const plain = plainEmail(cell);
      if (valid) validByRule++;
      if (plain !== undefined) {
        accepted++;
        const expected = valid ? lower : undefined;
        if (plain !== expected) expect({ cell, plain }).toEqual({ cell, plain: expected });
      } else if (valid && isAsciiText(cell) && cell.trim() === cell) {
        // An all-ASCII, already trimmed valid address is the case the fast path is for.
        expect({ cell, plain }).toEqual({ cell, plain: lower });
      }
    }
    // The comparison means something: many cells of both kinds.
    expect(accepted).toBeGreaterThan(15_000);
    expect(validByRule - accepted).toBeGreaterThan(100);
    expect(200_000 - validByRule).toBeGreaterThan(40_000);
  });

  it('keeps normalizeEmail the same for cells it does not take', () => {
    expect(plainEmail('Jane <jane@x.com>')).toBeUndefined();
    expect(normalizeEmail('Jane <jane@x.com>')).toEqual({
      ok: true,
      email: 'jane@x.com',
      dropped: [],
      cleanedFrom: 'Jane <jane@x.com>',
    });
    expect(plainEmail('  JOSÉ@Exemple.FR ')).toBeUndefined();
    expect(normalizeEmail('  JOSÉ@Exemple.FR ')).toMatchObject({
      ok: true,
      email: 'josé@exemple.fr',
    });
    expect(plainEmail('\tJane.Doe@Example.COM\r\n')).toBe('jane.doe@example.com');
  });
});

const SAFE_NUMBER = /^-?(?:0|[1-9]\d{0,8})(?:\.\d{1,15})?$/;

/** The auto reading as the rule states it. */
function autoByRule(value: string): string | number | boolean {
  if (SAFE_NUMBER.test(value)) return Number(value);
  if (value.length === 4 || value.length === 5) {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return value;
}

describe('autoDataValue (custom data typed without a regular expression)', () => {
  it('matches the rule on random numbers, near-numbers and words', () => {
    const random = randomSource(42);
    const alphabet = [...'0123456789', '0', '0', '-', '.', '+', 'e', ',', ' ', 'x', '١'];
    let numbers = 0;
    for (let n = 0; n < 200_000; n++) {
      let value: string;
      const roll = random();
      if (roll < 0.5) value = word(random, alphabet, 26);
      else if (roll < 0.9) {
        // Well-formed decimals of every length, some negative, some too long.
        const int = String(Math.floor(random() * 10 ** Math.floor(random() * 11)));
        const fraction = word(random, [...'0123456789'], 17);
        value = `${random() < 0.3 ? '-' : ''}${int}${random() < 0.7 ? `.${fraction}` : ''}`;
      } else {
        value = [...pick(random, ['true', 'false', 'truth', 'fals', 'TRUE', 'FaLsE'])]
          .map((c) => (random() < 0.5 ? c.toUpperCase() : c))
          .join('');
      }
      const expected = autoByRule(value);
      const got = autoDataValue(value);
      if (typeof expected === 'number') numbers++;
      if (!Object.is(got, expected)) expect({ value, got }).toEqual({ value, got: expected });
    }
    expect(numbers).toBeGreaterThan(50_000);
  });

  it('gives the same as parseDataValue auto on edge cells', () => {
    for (const value of [
      '-0',
      '0.1',
      '123456789',
      '1234567890',
      '999999999.999999999999999',
      '007',
      'TRUE',
      'False',
      'trUE ',
    ]) {
      expect(parseDataValue(value)).toEqual({ ok: true, value: autoByRule(value.trim()) });
    }
    expect(Object.is(autoDataValue('-0'), -0)).toBe(true);
  });
});

/** addSegment as the rule states it: compare lower-cased. */
function addSegmentByRule(segments: string[], segment: string): boolean {
  if (segment === '') return false;
  const lower = segment.toLowerCase();
  if (segments.some((existing) => existing.toLowerCase() === lower)) return false;
  segments.push(segment);
  return true;
}

describe('addSegment (case-insensitive without lower-casing ASCII segments)', () => {
  it('keeps and drops the same segments as comparing lower-cased copies', () => {
    const random = randomSource(7);
    const alphabet = [...'abAB-_1', 'K', 'k', 'K', 'İ', 'i̇', 'i', 'I', 'ß', 'SS', 'é', 'É'];
    for (let n = 0; n < 20_000; n++) {
      const fast: string[] = [];
      const rule: string[] = [];
      const count = 1 + Math.floor(random() * 6);
      for (let s = 0; s < count; s++) {
        const segment = word(random, alphabet, 3);
        expect(addSegment(fast, segment)).toBe(addSegmentByRule(rule, segment));
      }
      expect(fast).toEqual(rule);
    }
  });
});

describe('normalizeCountry two-letter codes', () => {
  it('reads every pair of ASCII letters in any case as upper-casing would', () => {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    for (const a of letters) {
      for (const b of letters) {
        const code = `${a}${b}`.toUpperCase();
        for (const cell of [`${a}${b}`, `${a.toUpperCase()}${b}`, ` ${a}${b.toUpperCase()} `]) {
          const got = normalizeCountry(cell);
          if (isCountryCode(code)) expect(got).toBe(code);
          else if (code === 'UK') expect(got).toBe('GB');
          else expect(got === undefined || isCountryCode(got)).toBe(true);
        }
      }
    }
    // Letters that upper-case to ASCII still go the general way: dotless ı -> I.
    expect(normalizeCountry('ıd')).toBe('ID');
  });
});
