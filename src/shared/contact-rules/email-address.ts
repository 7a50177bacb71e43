/**
 * Email addresses: the identity of a contact. Trimmed, lower-cased (Crisp compares them
 * case-insensitively) and checked for real syntax: `local@domain.tld`, one `@`, no spaces,
 * valid domain labels. `+` tags and international (non-ASCII) domains and local parts are accepted.
 */

const MAX_EMAIL_LENGTH = 254;
const MAX_LOCAL_LENGTH = 64;
const MAX_LABEL_LENGTH = 63;

/** ASCII characters allowed in a local part besides letters and digits (RFC 5322 atext). */
const LOCAL_SYMBOLS = new Set("!#$%&'*+/=?^_`{|}~-".split('').map((c) => c.charCodeAt(0)));

function isAsciiAlphanumeric(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a)
  );
}

/** Non-ASCII characters that are allowed (international addresses), except spaces and controls. */
function isInternationalLetter(code: number): boolean {
  return (
    code >= 0xa1 &&
    code !== 0xad &&
    !(code >= 0x2000 && code <= 0x206f) &&
    code !== 0x3000 &&
    code !== 0xfeff &&
    !(code >= 0xfff0)
  );
}

function isValidLocalPart(email: string, end: number): boolean {
  if (end === 0 || end > MAX_LOCAL_LENGTH) return false;
  let previousDot = true; // a leading dot is not allowed
  for (let i = 0; i < end; i++) {
    const code = email.charCodeAt(i);
    if (code === 0x2e) {
      if (previousDot) return false;
      previousDot = true;
      continue;
    }
    previousDot = false;
    if (isAsciiAlphanumeric(code) || LOCAL_SYMBOLS.has(code) || isInternationalLetter(code)) {
      continue;
    }
    return false;
  }
  return !previousDot;
}

function isValidDomain(email: string, start: number): boolean {
  const end = email.length;
  if (start >= end) return false;
  let labels = 0;
  let labelStart = start;
  let labelAllDigits = true;
  let labelAscii = true;
  for (let i = start; i <= end; i++) {
    const code = i === end ? 0x2e : email.charCodeAt(i);
    if (code === 0x2e) {
      const length = i - labelStart;
      if (length === 0 || length > MAX_LABEL_LENGTH) return false;
      if (email.charCodeAt(labelStart) === 0x2d || email.charCodeAt(i - 1) === 0x2d) return false;
      labels++;
      if (i === end) {
        // Top-level domain: not all digits, at least two characters when ASCII.
        if (labelAllDigits) return false;
        if (labelAscii && length < 2) return false;
      }
      labelStart = i + 1;
      labelAllDigits = true;
      labelAscii = true;
      continue;
    }
    if (code >= 0x30 && code <= 0x39) continue;
    labelAllDigits = false;
    if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x2d) continue;
    if (isInternationalLetter(code)) {
      labelAscii = false;
      continue;
    }
    return false;
  }
  return labels >= 2;
}

/** True when `email` (already trimmed) is a syntactically valid address. */
export function isValidEmail(email: string): boolean {
  if (email.length < 3 || email.length > MAX_EMAIL_LENGTH) return false;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return false;
  return isValidLocalPart(email, at) && isValidDomain(email, at + 1);
}

export type EmailReading =
  | {
      ok: true;
      /** Trimmed, lower-cased, valid. */
      email: string;
      /** Other addresses found in the same cell, not imported (the first one is used). */
      dropped: readonly string[];
      /** Set when the cell needed cleaning (`Jane <jane@x.com>`, `mailto:`): the original cell. */
      cleanedFrom: string | undefined;
    }
  | { ok: false; code: 'email_missing' | 'email_invalid' };

const NONE: readonly string[] = Object.freeze([]);
const INVISIBLE = /[\u200b-\u200d\u2060\ufeff\u00ad]/;
const INVISIBLE_ALL = /[\u200b-\u200d\u2060\ufeff\u00ad]/g;
/** Outlook's display form: `Jane Doe (jane@x.com)`. */
const NAME_THEN_EMAIL_IN_PARENTHESES = /^[^()@]*\(\s*([^()\s]+@[^()\s]+)\s*\)$/;
const EMAIL_LIST_SEPARATORS = /[\s,;|]+/;
const MAILTO = /^mailto:/i;
const WRAPPING = /^[<("'[]+|[>)"'\]]+$/g;

/**
 * Reads the email cell of a row. Several addresses in one cell (`a@x.com; b@y.com`): the first
 * is used and the others are reported in `dropped` (the row still goes, with a warning), because
 * a shared inbox column is far more common than two people on one row.
 */
export function normalizeEmail(cell: string): EmailReading {
  const plain = plainEmail(cell);
  if (plain !== undefined) return { ok: true, email: plain, dropped: NONE, cleanedFrom: undefined };
  if (INVISIBLE.test(cell)) {
    // Zero-width spaces and joiners come with addresses copied from web pages and documents.
    const reading = normalizeEmail(cell.replace(INVISIBLE_ALL, ''));
    return reading.ok ? { ...reading, cleanedFrom: cell.trim() } : reading;
  }
  const trimmed = cell.trim();
  if (trimmed === '') return { ok: false, code: 'email_missing' };
  const lower = trimmed.toLowerCase();
  if (isValidEmail(lower)) return { ok: true, email: lower, dropped: NONE, cleanedFrom: undefined };
  return readUnusualEmailCell(trimmed, lower);
}

function readUnusualEmailCell(trimmed: string, lower: string): EmailReading {
  const inParentheses = NAME_THEN_EMAIL_IN_PARENTHESES.exec(lower)?.[1];
  if (inParentheses !== undefined) {
    const address = inParentheses.replace(MAILTO, '');
    if (!isValidEmail(address)) return { ok: false, code: 'email_invalid' };
    return { ok: true, email: address, dropped: NONE, cleanedFrom: trimmed };
  }
  let text = lower.replace(MAILTO, '');
  const open = text.indexOf('<');
  const close = open >= 0 ? text.indexOf('>', open) : -1;
  if (open >= 0 && close > open && text.indexOf('<', close) < 0) {
    // `Jane Doe <jane@x.com>`: the address between the angle brackets.
    text = text.slice(open + 1, close);
  }
  const parts = text
    .split(EMAIL_LIST_SEPARATORS)
    .map((part) => part.replace(WRAPPING, '').replace(MAILTO, ''))
    .filter((part) => part !== '');
  const candidates = parts.filter((part) => part.includes('@'));
  if (candidates.length >= 2 || (candidates.length === 1 && parts.length === 1)) {
    const first = candidates[0] as string;
    if (!isValidEmail(first)) return { ok: false, code: 'email_invalid' };
    return { ok: true, email: first, dropped: candidates.slice(1), cleanedFrom: trimmed };
  }
  return { ok: false, code: 'email_invalid' };
}

/** Character classes of ASCII codes in an email, for `plainEmail`. */
const LETTER = 1; // a-z, A-Z
const DIGIT = 2;
const HYPHEN = 4;
const LOCAL_SYMBOL = 8; // RFC 5322 atext symbols (the hyphen included)
const DOT = 16;
const AT = 32;
const SPACE = 64; // what trim() removes
const EMAIL_CHAR_CLASS = new Uint8Array(128);
for (let code = 0x61; code <= 0x7a; code++) EMAIL_CHAR_CLASS[code] = LETTER;
for (let code = 0x41; code <= 0x5a; code++) EMAIL_CHAR_CLASS[code] = LETTER;
for (let code = 0x30; code <= 0x39; code++) EMAIL_CHAR_CLASS[code] = DIGIT;
for (const code of LOCAL_SYMBOLS) EMAIL_CHAR_CLASS[code] = LOCAL_SYMBOL;
EMAIL_CHAR_CLASS[0x2d] = HYPHEN | LOCAL_SYMBOL;
EMAIL_CHAR_CLASS[0x2e] = DOT;
EMAIL_CHAR_CLASS[0x40] = AT;
for (const code of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20]) EMAIL_CHAR_CLASS[code] = SPACE;

/**
 * A valid address in ASCII lower case, lengths aside: atext runs joined by single dots, one `@`,
 * labels of letters, digits and inner hyphens (1 to 63 characters), and a top-level label of at
 * least 2 characters that is not all digits.
 */
const LOWER_CASE_EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?![0-9]+$)[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;

/**
 * The common case of `normalizeEmail`, without its splitting and cleaning, and without case
 * conversion unless the cell has capitals: an all-ASCII cell holding one valid address (spaces around
 * it allowed). Returns the address trimmed and lower-cased, exactly as `normalizeEmail` would;
 * undefined for anything else (empty, invalid, non-ASCII, several addresses, `mailto:`...), which
 * `normalizeEmail` then reads the general way.
 */
export function plainEmail(cell: string): string | undefined {
  // Most cells: already trimmed and lower-cased (a regular expression is the quickest check).
  if (
    cell.length <= MAX_EMAIL_LENGTH &&
    LOWER_CASE_EMAIL.test(cell) &&
    cell.indexOf('@') <= MAX_LOCAL_LENGTH
  ) {
    return cell;
  }
  const length = cell.length;
  let start = 0;
  let end = length;
  while (start < end && cell.charCodeAt(start) <= 0x20) {
    const code = cell.charCodeAt(start);
    if (code !== 0x20 && (code < 0x09 || code > 0x0d)) return undefined;
    start++;
  }
  while (end > start && cell.charCodeAt(end - 1) <= 0x20) {
    const code = cell.charCodeAt(end - 1);
    if (code !== 0x20 && (code < 0x09 || code > 0x0d)) return undefined;
    end--;
  }
  const size = end - start;
  if (size < 3 || size > MAX_EMAIL_LENGTH) return undefined;
  let upper = false;
  // Local part: atext characters, dots only between them.
  let i = start;
  let previousDot = true;
  for (; i < end; i++) {
    const code = cell.charCodeAt(i);
    if (code >= 0x80) return undefined;
    const kind = EMAIL_CHAR_CLASS[code] as number;
    if (kind === AT) break;
    if (kind === DOT) {
      if (previousDot) return undefined;
      previousDot = true;
      continue;
    }
    if (kind === 0 || kind === SPACE) return undefined;
    if (kind === LETTER && code <= 0x5a) upper = true;
    previousDot = false;
  }
  const localLength = i - start;
  if (i === end || previousDot || localLength === 0 || localLength > MAX_LOCAL_LENGTH) {
    return undefined;
  }
  // Domain: labels of letters, digits and inner hyphens; a top-level label of 2+ characters,
  // not all digits; at least two labels.
  let labels = 0;
  let labelStart = i + 1;
  let labelAllDigits = true;
  for (let k = labelStart; k <= end; k++) {
    const code = k === end ? 0x2e : cell.charCodeAt(k);
    if (code >= 0x80) return undefined;
    const kind = EMAIL_CHAR_CLASS[code] as number;
    if (kind === DOT) {
      const labelLength = k - labelStart;
      if (labelLength === 0 || labelLength > MAX_LABEL_LENGTH) return undefined;
      if (cell.charCodeAt(labelStart) === 0x2d || cell.charCodeAt(k - 1) === 0x2d) return undefined;
      labels++;
      if (k === end && (labelAllDigits || labelLength < 2)) return undefined;
      labelStart = k + 1;
      labelAllDigits = true;
      continue;
    }
    if (kind === DIGIT) continue;
    labelAllDigits = false;
    if (kind === LETTER) {
      if (code <= 0x5a) upper = true;
      continue;
    }
    if (kind !== (HYPHEN | LOCAL_SYMBOL)) return undefined;
  }
  if (labels < 2) return undefined;
  const trimmed = start === 0 && end === length ? cell : cell.slice(start, end);
  return upper ? trimmed.toLowerCase() : trimmed;
}

/**
 * How a valid address reaches Crisp, when it cannot go as it is:
 * - `path_character`: it holds `/`, `\\`, `?` or `#`. They are valid in a local part, but Crisp
 *   finds a contact by email in a URL path, where they change the URL (the API client refuses
 *   them too): refused.
 * - `non_ascii`: its local part has letters beyond ASCII. Crisp's email check (like the
 *   sandbox's, in the style of ajv's `email` format) takes ASCII only, and no ASCII spelling is
 *   the same mailbox: refused.
 * - `ascii_domain`: only its domain has such letters; the domain's ASCII form (IDNA:
 *   `müller.de` -> `xn--mller-kva.de`) is the same address and is what is sent.
 */
export type CrispEmailForm =
  | { kind: 'path_character'; character: string }
  | { kind: 'non_ascii'; letters: string }
  | { kind: 'ascii_domain'; email: string };

const NOT_AS_IT_IS = /[/\\?#]|[\u0080-\uffff]/;
const PATH_CHARACTER = /[/\\?#]/;

/** True when an address `plainEmail` gave holds `/`, `?` or `#` (quicker than a regex). */
export function hasPathCharacter(email: string): boolean {
  return email.indexOf('/') !== -1 || email.indexOf('?') !== -1 || email.indexOf('#') !== -1;
}
const NON_ASCII = /[\u0080-\uffff]/;

/** How Crisp takes this valid, lower-cased address; null when it goes as it is (the usual case). */
export function crispEmailForm(email: string): CrispEmailForm | null {
  if (!NOT_AS_IT_IS.test(email)) return null;
  const path = PATH_CHARACTER.exec(email);
  if (path) return { kind: 'path_character', character: path[0] };
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  if (!NON_ASCII.test(local)) {
    try {
      const domain = new URL(`http://${email.slice(at + 1)}`).hostname;
      if (domain !== '' && !NON_ASCII.test(domain) && isValidEmail(`${local}@${domain}`)) {
        return { kind: 'ascii_domain', email: `${local}@${domain}` };
      }
    } catch {
      // Not a domain the URL parser takes: refused below.
    }
  }
  const letters = [...new Set(email.match(/[^\0-~]/gu) ?? [])].slice(0, 5).join(' ');
  return { kind: 'non_ascii', letters };
}

const NAME_PARTS = /[._-]+/;

/**
 * A readable name made from an email's local part, for contacts without any name:
 * `jane.doe@x.com` -> `Jane Doe`, `jdoe42@x.com` -> `Jdoe42`, `jane_doe+news@x.com` -> `Jane Doe`.
 */
export function inferNameFromEmail(email: string): string {
  const at = email.indexOf('@');
  let local = at > 0 ? email.slice(0, at) : email;
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  const words = local.split(NAME_PARTS).filter((word) => word !== '');
  if (words.length === 0) return local || email;
  return words.map(capitalize).join(' ');
}

function capitalize(word: string): string {
  const first = word.codePointAt(0) as number;
  const firstLength = first > 0xffff ? 2 : 1;
  return word.slice(0, firstLength).toUpperCase() + word.slice(firstLength);
}
