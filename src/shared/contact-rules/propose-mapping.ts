/**
 * The mapping proposed when a file is opened: each header matched against the names people use
 * for Crisp fields (header-synonyms.ts), `data.my_key` to custom data `my_key`, and, when no
 * header names the email, the one column whose sample cells are nearly all email addresses.
 * Anything else is left unmapped (`ignore`): never guessed.
 */
import type { CrispFieldId } from '../crisp-fields';
import type { ColumnMapping, ColumnTarget, ImportMapping } from '../column-mapping';
import { IMPORT_MAPPING_VERSION } from '../column-mapping';
import { columnLabel } from './column-label';
import { checkDataKey, suggestDataKey } from './data-key';
import { isValidEmail } from './email-address';
import { HEADER_PREFIXES, headerSynonyms } from './header-synonyms';
import { foldCompact } from './text-fold';

/** Fields several columns may feed at once; every other field takes one column. */
export const MULTI_COLUMN_FIELDS: ReadonlySet<CrispFieldId> = new Set(['segments']);

const DATA_PREFIX = /^\s*data\s*[.:]\s*(.+)$/i;
/** Headers that look like a field with a prefix but are something else (`Username` is a login). */
const NOT_PREFIXED = new Set(['username']);
/** Share of non-empty sample cells that must be emails for a column to be taken as the email. */
const EMAIL_SAMPLE_SHARE = 0.9;

/** The Crisp field a header names, if any: `Courriel` -> `email`, `Vorname` -> `first_name`. */
export function fieldForHeader(header: string): CrispFieldId | undefined {
  const key = foldCompact(header);
  if (key === '') return undefined;
  const synonyms = headerSynonyms();
  const direct = synonyms.get(key);
  if (direct) return direct;
  if (NOT_PREFIXED.has(key)) return undefined;
  for (const prefix of HEADER_PREFIXES) {
    if (key.length > prefix.length && key.startsWith(prefix)) {
      const field = synonyms.get(key.slice(prefix.length));
      if (field) return field;
    }
  }
  return undefined;
}

function uniqueKey(key: string, used: Set<string>): string {
  let candidate = key;
  for (let n = 2; used.has(candidate); n++) candidate = `${key.slice(0, 60)}_${n}`;
  used.add(candidate);
  return candidate;
}

function emailShare(sampleRows: readonly (readonly string[])[], index: number): number {
  let filled = 0;
  let emails = 0;
  for (const row of sampleRows) {
    const cell = row[index]?.trim() ?? '';
    if (cell === '') continue;
    filled++;
    if (isValidEmail(cell.toLowerCase())) emails++;
  }
  return filled === 0 ? 0 : emails / filled;
}

/**
 * Proposes a mapping for a file's headers (`columnLabel` names for a file without a header)
 * and, optionally, its first rows. Never maps two columns to the email or to one single field.
 */
export function proposeMapping(headers: string[], sampleRows: string[][] = []): ImportMapping {
  const width = Math.max(headers.length, ...sampleRows.map((row) => row.length), 0);
  const takenFields = new Set<CrispFieldId>();
  const targets: ColumnTarget[] = [];
  const dataKeys: (string | undefined)[] = [];

  for (let index = 0; index < width; index++) {
    const header = headers[index] ?? '';
    const data = DATA_PREFIX.exec(header);
    if (data) {
      const wanted = (data[1] as string).trim();
      // A key Crisp accepts as it is: `data.AppVersionCode` becomes `app_version_code` (the
      // mapping check shows the fix-up).
      const check = checkDataKey(wanted);
      dataKeys[index] =
        check.ok && check.suggestion === undefined ? wanted : suggestDataKey(wanted);
      targets.push({ kind: 'ignore' });
      continue;
    }
    const field = fieldForHeader(header);
    if (field && (MULTI_COLUMN_FIELDS.has(field) || !takenFields.has(field))) {
      takenFields.add(field);
      targets.push({ kind: 'field', field });
    } else {
      targets.push({ kind: 'ignore' });
    }
  }

  // Dates kept as custom data reserve their keys; `data.*` columns get unique keys.
  const takenKeys = new Set<string>();
  if (takenFields.has('created_at')) takenKeys.add('created_at');
  if (takenFields.has('last_active_at')) takenKeys.add('last_active_at');
  dataKeys.forEach((key, index) => {
    if (key !== undefined) targets[index] = { kind: 'data', key: uniqueKey(key, takenKeys) };
  });

  if (!takenFields.has('email') && sampleRows.length > 0) {
    let best = -1;
    let bestShare = EMAIL_SAMPLE_SHARE;
    for (let index = 0; index < width; index++) {
      if (targets[index]?.kind !== 'ignore') continue;
      const share = emailShare(sampleRows, index);
      if (share >= bestShare && (best < 0 || share > bestShare)) {
        best = index;
        bestShare = share;
      }
    }
    if (best >= 0) targets[best] = { kind: 'field', field: 'email' };
  }

  const columns: ColumnMapping[] = targets.map((target, index) => ({
    column: columnLabel(headers, index),
    index,
    target,
  }));
  return { version: IMPORT_MAPPING_VERSION, columns, emptyCells: 'clear', extraSegments: [] };
}
