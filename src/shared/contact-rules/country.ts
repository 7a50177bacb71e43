/**
 * Countries: Crisp stores an ISO 3166-1 alpha-2 code (`US`). Codes in any case are accepted,
 * and so are country names in English, French, German, Spanish, Italian, Portuguese and Dutch
 * (from `Intl.DisplayNames`, built once on first use), common alpha-3 codes and aliases
 * (`USA`, `U.K.`, `Great Britain`, `Holland`...). A name that two countries share is not guessed.
 */
import { foldWords } from './text-fold';

/** ISO 3166-1 alpha-2 codes, plus XK (Kosovo, user-assigned but used everywhere). */
const ISO_CODES = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ ' +
    'BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM ' +
    'DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS ' +
    'GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN ' +
    'KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ ' +
    'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM ' +
    'PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV ' +
    'SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI ' +
    'VN VU WF WS XK YE YT ZA ZM ZW'
  ).split(' '),
);

/** Languages whose country names are recognised. */
const NAME_LOCALES = ['en', 'fr', 'de', 'es', 'it', 'pt', 'pt-PT', 'nl'];

/** Words left out when comparing names: `The Netherlands` ~ `Netherlands`, `&` ~ `and`. */
const FILLER_WORDS = new Set(
  'the and of et und y e en la le les l el los las die der das de del des du da do dos di het van'.split(
    ' ',
  ),
);
const WORD_ALIASES: Record<string, string> = { saint: 'st', sainte: 'ste', sankt: 'st', san: 'st' };

/** Aliases that Intl does not give. Keys are folded like any input. */
const ALIASES: Record<string, string> = {
  'united states of america': 'US',
  'u s': 'US',
  'us of a': 'US',
  america: 'US',
  eeuu: 'US',
  'ee uu': 'US',
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  grossbritannien: 'GB',
  'grande bretagne': 'GB',
  'gran bretana': 'GB',
  'gran bretagna': 'GB',
  angleterre: 'GB',
  inglaterra: 'GB',
  brd: 'DE',
  'federal republic germany': 'DE',
  holland: 'NL',
  'russian federation': 'RU',
  'republic korea': 'KR',
  'korea republic': 'KR',
  'czech republic': 'CZ',
  'republique tcheque': 'CZ',
  'tschechische republik': 'CZ',
  'republica checa': 'CZ',
  turkey: 'TR',
  turkei: 'TR',
  turquie: 'TR',
  turquia: 'TR',
  'ivory coast': 'CI',
  swaziland: 'SZ',
  macedonia: 'MK',
  burma: 'MM',
  vatican: 'VA',
  'holy see': 'VA',
  uae: 'AE',
  'east timor': 'TL',
  macau: 'MO',
  'viet nam': 'VN',
  palestine: 'PS',
  'hong kong': 'HK',
  usa: 'US',
  gbr: 'GB',
  deu: 'DE',
  fra: 'FR',
  esp: 'ES',
  ita: 'IT',
  prt: 'PT',
  nld: 'NL',
  bel: 'BE',
  che: 'CH',
  aut: 'AT',
  irl: 'IE',
  lux: 'LU',
  dnk: 'DK',
  swe: 'SE',
  nor: 'NO',
  fin: 'FI',
  isl: 'IS',
  pol: 'PL',
  cze: 'CZ',
  svk: 'SK',
  hun: 'HU',
  rou: 'RO',
  bgr: 'BG',
  grc: 'GR',
  hrv: 'HR',
  svn: 'SI',
  srb: 'RS',
  ukr: 'UA',
  rus: 'RU',
  tur: 'TR',
  isr: 'IL',
  are: 'AE',
  sau: 'SA',
  egy: 'EG',
  mar: 'MA',
  dza: 'DZ',
  tun: 'TN',
  zaf: 'ZA',
  nga: 'NG',
  ken: 'KE',
  ind: 'IN',
  pak: 'PK',
  bgd: 'BD',
  chn: 'CN',
  jpn: 'JP',
  kor: 'KR',
  twn: 'TW',
  hkg: 'HK',
  sgp: 'SG',
  mys: 'MY',
  idn: 'ID',
  tha: 'TH',
  vnm: 'VN',
  phl: 'PH',
  aus: 'AU',
  nzl: 'NZ',
  can: 'CA',
  mex: 'MX',
  bra: 'BR',
  arg: 'AR',
  chl: 'CL',
  col: 'CO',
  per: 'PE',
  ven: 'VE',
  ury: 'UY',
  est: 'EE',
  lva: 'LV',
  ltu: 'LT',
  cyp: 'CY',
  mlt: 'MT',
};

/** Names some languages give one country while people mean another as often: never guessed. */
const AMBIGUOUS_NAMES = ['congo', 'korea', 'guinea republic'];

function countryKey(text: string): string {
  const words = foldWords(text).split(' ');
  let key = '';
  for (const word of words) {
    if (word === '' || FILLER_WORDS.has(word)) continue;
    const canonical = WORD_ALIASES[word] ?? word;
    key = key === '' ? canonical : `${key} ${canonical}`;
  }
  return key;
}

let countryByName: Map<string, string> | undefined;

function buildCountryNames(): Map<string, string> {
  const names = new Map<string, string>();
  const ambiguous = new Set<string>();
  const add = (name: string | undefined, code: string): void => {
    if (!name) return;
    const variants = [name];
    const paren = name.indexOf(' (');
    if (paren > 0) variants.push(name.slice(0, paren)); // `Myanmar (Burma)` -> `Myanmar`
    for (const variant of variants) {
      const key = countryKey(variant);
      if (key === '' || ambiguous.has(key)) continue;
      const known = names.get(key);
      if (known === undefined) names.set(key, code);
      else if (known !== code) {
        names.delete(key);
        ambiguous.add(key);
      }
    }
  };
  if (typeof Intl.DisplayNames === 'function') {
    for (const locale of NAME_LOCALES) {
      for (const style of ['long', 'short'] as const) {
        const display = new Intl.DisplayNames([locale], {
          type: 'region',
          style,
          fallback: 'none',
        });
        for (const code of ISO_CODES) add(display.of(code), code);
      }
    }
  }
  for (const [alias, code] of Object.entries(ALIASES)) names.set(countryKey(alias), code);
  for (const name of AMBIGUOUS_NAMES) names.delete(name);
  return names;
}

/**
 * What two ASCII letters in any case stand for, indexed by (first - a) * 26 + (second - a): the
 * upper-case code when it is an ISO code, `GB` for `UK`; undefined otherwise.
 */
const CODE_BY_LETTERS: (string | undefined)[] = new Array<string | undefined>(26 * 26).fill(
  undefined,
);
for (const code of ISO_CODES) {
  CODE_BY_LETTERS[(code.charCodeAt(0) - 0x41) * 26 + (code.charCodeAt(1) - 0x41)] = code;
}
CODE_BY_LETTERS[('u'.charCodeAt(0) - 0x61) * 26 + ('k'.charCodeAt(0) - 0x61)] = 'GB';

const MAX_REMEMBERED = 5_000;
const remembered = new Map<string, string | null>();

/**
 * The ISO alpha-2 code for a country cell: `fr` -> `FR`, `Deutschland` -> `DE`,
 * `États-Unis` -> `US`, `U.S.A.` -> `US`. Undefined when the country is not recognised.
 */
export function normalizeCountry(cell: string): string | undefined {
  const value = cell.trim();
  if (value.length === 2) {
    // Two ASCII letters: the code from a table (no upper-casing, no hashing).
    const first = value.charCodeAt(0) | 0x20;
    const second = value.charCodeAt(1) | 0x20;
    if (first >= 0x61 && first <= 0x7a && second >= 0x61 && second <= 0x7a) {
      const listed = CODE_BY_LETTERS[(first - 0x61) * 26 + (second - 0x61)];
      if (listed !== undefined) return listed;
    }
    const code = value.toUpperCase();
    if (ISO_CODES.has(code)) return code;
    if (code === 'UK') return 'GB';
  }
  const known = remembered.get(value);
  if (known !== undefined) return known ?? undefined;
  const code = lookUpCountryName(value);
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(value, code ?? null);
  return code;
}

function lookUpCountryName(value: string): string | undefined {
  countryByName ??= buildCountryNames();
  const direct = countryByName.get(countryKey(value));
  if (direct) return direct;
  // `Korea, Republic of` / `Iran (Islamic Republic of)`: the part before the comma or bracket.
  const cut = value.search(/[,(]/);
  if (cut > 0) return countryByName.get(countryKey(value.slice(0, cut)));
  return undefined;
}

/** True for an ISO 3166-1 alpha-2 code in upper case (`FR`). */
export function isCountryCode(code: string): boolean {
  return ISO_CODES.has(code);
}
