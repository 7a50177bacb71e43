/**
 * Small profile fields: languages, web addresses, gender, and the length limits of text fields.
 */
import type { CrispFieldId } from '../crisp-fields';
import { foldLetters } from './text-fold';

const LOCALE_SEPARATORS = /[,;\s]+/;
const MAX_REMEMBERED = 1_000;
const canonicalLocales = new Map<string, string | null>();

function canonicalLocale(tag: string): string | undefined {
  const known = canonicalLocales.get(tag);
  if (known !== undefined) return known ?? undefined;
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0];
  } catch {
    canonical = undefined; // not a language tag
  }
  if (canonicalLocales.size >= MAX_REMEMBERED) canonicalLocales.clear();
  canonicalLocales.set(tag, canonical ?? null);
  return canonical;
}

export interface LocalesReading {
  /** Canonical language tags, deduplicated, in cell order: `fr_fr, EN` -> `['fr-FR', 'en']`. */
  locales: string[];
  /** Parts of the cell that are not language tags. */
  invalid: string[];
}

/** Splits a languages cell on `,`, `;` or spaces and checks each language tag. */
export function splitLocales(cell: string): LocalesReading {
  const locales: string[] = [];
  const invalid: string[] = [];
  for (const part of cell.split(LOCALE_SEPARATORS)) {
    if (part === '') continue;
    const locale = canonicalLocale(part);
    if (locale === undefined) invalid.push(part);
    else if (!locales.includes(locale)) locales.push(locale);
  }
  return { locales, invalid };
}

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const HOST_LABEL = /^(?!-)[a-z0-9\u00a1-\uffff-]{1,63}(?<!-)$/i;
const MAX_URL_LENGTH = 2048;

/**
 * A web address for website, avatar and company URL fields: `https://acme.com/x` as given, and a
 * bare `acme.com` or `www.acme.com/team` gets `https://` in front. Undefined when the cell is
 * not an http(s) address with a real host name.
 */
export function normalizeUrl(cell: string): string | undefined {
  const value = cell.trim();
  if (value === '' || value.length > MAX_URL_LENGTH || /\s/.test(value)) return undefined;
  const withScheme = SCHEME.test(value) && !/^[^/:]+:\d/.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  const labels = url.hostname.split('.');
  if (labels.length < 2 || !labels.every((label) => HOST_LABEL.test(label))) return undefined;
  return withScheme;
}

const GENDERS: Record<string, 'male' | 'female'> = {
  male: 'male',
  m: 'male',
  man: 'male',
  men: 'male',
  mr: 'male',
  h: 'male',
  homme: 'male',
  masculin: 'male',
  mann: 'male',
  mannlich: 'male',
  herr: 'male',
  hombre: 'male',
  masculino: 'male',
  varon: 'male',
  maschio: 'male',
  uomo: 'male',
  female: 'female',
  f: 'female',
  woman: 'female',
  women: 'female',
  w: 'female',
  mrs: 'female',
  ms: 'female',
  femme: 'female',
  feminin: 'female',
  frau: 'female',
  weiblich: 'female',
  mujer: 'female',
  femenino: 'female',
  femmina: 'female',
  donna: 'female',
  feminino: 'female',
  vrouw: 'female',
};

/**
 * `male` or `female` (the two values Crisp stores) from the usual spellings in several languages:
 * `M`, `F`, `H` (homme, hombre), `W` (weiblich), `Femme`, `Mann`, `Mujer`...
 * Undefined for anything else.
 */
export function normalizeGender(cell: string): 'male' | 'female' | undefined {
  const key = foldLetters(cell.trim()).replace(/[.\s]+/g, '');
  return key === '' ? undefined : GENDERS[key];
}

/**
 * Longest text kept per field (in characters); longer values are cut with a warning. Crisp does
 * not publish limits, so these are generous and keep requests reasonable.
 */
export const FIELD_MAX_LENGTH: Partial<Record<CrispFieldId, number>> & { default: number } = {
  default: 255,
  address: 500,
  description: 1_000,
  company_description: 1_000,
  notepad: 10_000,
};

/** Longest custom data text value kept. */
export const MAX_DATA_TEXT_LENGTH = 2_000;

/** Longest nickname kept. */
export const MAX_NICKNAME_LENGTH = 255;

/** Cuts `text` to `max` characters without splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end).trimEnd();
}
