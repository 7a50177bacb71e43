/**
 * Folding of free text for comparisons that ignore case, accents and punctuation: header names
 * (`E-Mail-Adresse` ~ `email adresse`) and country names (`Côte d’Ivoire` ~ `cote divoire`).
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const SPECIAL_LETTERS = /[ßæœøłđ]/g;
const SPECIAL_LETTER_FOLD: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
};
const NOT_ALPHANUMERIC = /[^a-z0-9]+/g;
const DROPPED_IN_WORDS = /[.'’`´]/g;

/** Lower case, accents removed, ß/æ/œ/ø spelled out: `Téléphone` -> `telephone`. */
export function foldLetters(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(COMBINING_MARKS, '')
    .replace(SPECIAL_LETTERS, (ch) => SPECIAL_LETTER_FOLD[ch] ?? ch);
}

/** Only ASCII letters and digits remain: `E-mail Address` -> `emailaddress`. */
export function foldCompact(text: string): string {
  return foldLetters(text).replace(NOT_ALPHANUMERIC, '');
}

/**
 * Words separated by one space; dots and apostrophes vanish (`U.S.A.` -> `usa`,
 * `Côte d’Ivoire` -> `cote divoire`), other punctuation separates words.
 */
export function foldWords(text: string): string {
  return foldLetters(text).replace(DROPPED_IN_WORDS, '').replace(NOT_ALPHANUMERIC, ' ').trim();
}
