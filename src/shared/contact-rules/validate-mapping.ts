/**
 * Problems of a mapping as a whole, found before any row is read: no email column, the email
 * mapped twice, an invalid or repeated custom data key, a mapped column missing from the file.
 * An `error` makes the mapping unusable until it is fixed; a `warning` is advice.
 */
import type { CrispFieldId } from '../crisp-fields';
import { crispFieldInfo } from '../crisp-fields';
import type { ImportMapping } from '../column-mapping';
import type { IssueSeverity } from '../row-issue';
import { resolveColumns } from './column-resolution';
import { checkDataKey, isReservedDataKey, sentDataKey } from './data-key';
import { MULTI_COLUMN_FIELDS } from './propose-mapping';

export type MappingIssueCode =
  | 'mapping_no_email'
  | 'email_mapped_twice'
  | 'data_key_invalid'
  | 'data_key_uppercase'
  | 'data_key_fixed'
  | 'data_key_duplicate'
  | 'field_mapped_twice'
  | 'column_not_found';

export interface MappingIssue {
  /** The mapping column concerned; empty for a problem of the whole mapping. */
  column: string;
  code: MappingIssueCode;
  severity: IssueSeverity;
  message: string;
  /** For `data_key_invalid` and `data_key_uppercase`: the key to use instead. */
  suggestion?: string;
}

/** Fields whose value is kept as custom data under a fixed key. */
export const DATE_FIELD_DATA_KEYS: Partial<Record<CrispFieldId, string>> = {
  created_at: 'created_at',
  last_active_at: 'last_active_at',
};

const DATA_COLUMN = /^\s*data\s*[.:]\s*(.+)$/i;

/**
 * A `data.My Key` column imported under another key than the one its name gives (the proposal
 * fixes up keys Crisp refuses): said, so the person sees the key as it will be in Crisp.
 */
function fixedUpDataColumn(column: string, key: string): MappingIssue | null {
  const named = DATA_COLUMN.exec(column)?.[1]?.trim();
  if (named === undefined || named === key || named.toLowerCase() === key) return null;
  const check = checkDataKey(named);
  if (check.ok && check.suggestion === undefined) return null; // the person chose another key
  const reserved = isReservedDataKey(named) || isReservedDataKey(named.toLowerCase());
  return {
    column,
    code: 'data_key_fixed',
    severity: 'warning',
    message: reserved
      ? `The column “${column}” is imported as custom data “${key}”: “${named}” is a reserved name that cannot be a custom data key.`
      : `The column “${column}” is imported as custom data “${key}”: Crisp takes only lower-case letters, digits, _ and - in custom data keys, so “${named}” cannot be used as it is.`,
  };
}

/** Checks a mapping against the headers of the file it will read (empty: no header row). */
export function validateMapping(
  mapping: ImportMapping,
  headers: readonly string[],
): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const positions = resolveColumns(mapping, headers);
  const fieldColumns = new Map<CrispFieldId, string[]>();
  const keyColumns = new Map<string, string[]>();

  mapping.columns.forEach((column, i) => {
    const target = column.target;
    if (target.kind === 'ignore') return;
    if (positions[i] === -1) {
      const isEmail = target.kind === 'field' && target.field === 'email';
      issues.push({
        column: column.column,
        code: 'column_not_found',
        severity: isEmail ? 'error' : 'warning',
        message: isEmail
          ? `The email column “${column.column}” is not in this file. Choose the column that holds the emails.`
          : `The column “${column.column}” is not in this file, so nothing is imported for it. Remove it from the mapping or choose another column.`,
      });
    }
    if (target.kind === 'field') {
      const list = fieldColumns.get(target.field) ?? [];
      list.push(column.column);
      fieldColumns.set(target.field, list);
      const dateKey = DATE_FIELD_DATA_KEYS[target.field];
      if (dateKey) {
        const keys = keyColumns.get(dateKey) ?? [];
        keys.push(column.column);
        keyColumns.set(dateKey, keys);
      }
      return;
    }
    if (target.kind === 'data') {
      const check = checkDataKey(target.key);
      if (!check.ok) {
        issues.push({
          column: column.column,
          code: 'data_key_invalid',
          severity: 'error',
          message: check.message,
          suggestion: check.suggestion,
        });
      } else if (check.advice) {
        issues.push({
          column: column.column,
          code: 'data_key_uppercase',
          severity: 'warning',
          message: check.advice,
          suggestion: check.suggestion ?? target.key.toLowerCase(),
        });
      }
      const fixedUp = fixedUpDataColumn(column.column, target.key);
      if (fixedUp) issues.push(fixedUp);
      // Keys are compared as they are sent (`AppVersionCode` is sent as `app_version_code`).
      const sent = check.ok ? sentDataKey(target.key) : target.key;
      const keys = keyColumns.get(sent) ?? [];
      keys.push(column.column);
      keyColumns.set(sent, keys);
    }
  });

  const emailColumns = fieldColumns.get('email') ?? [];
  if (emailColumns.length === 0) {
    issues.unshift({
      column: '',
      code: 'mapping_no_email',
      severity: 'error',
      message:
        'No column is mapped to Email. Crisp needs an email for every contact: choose the column that holds them.',
    });
  }
  for (const extra of emailColumns.slice(1)) {
    issues.push({
      column: extra,
      code: 'email_mapped_twice',
      severity: 'error',
      message: `“${emailColumns[0]}” is already the email column. Map “${extra}” to something else, or to custom data.`,
    });
  }
  for (const [field, columns] of fieldColumns) {
    if (field === 'email' || MULTI_COLUMN_FIELDS.has(field) || columns.length < 2) continue;
    const label = crispFieldInfo(field).label;
    for (const extra of columns.slice(1)) {
      issues.push({
        column: extra,
        code: 'field_mapped_twice',
        severity: 'warning',
        message: `${label} is also mapped from “${columns[0]}”. For each contact the first non-empty of these columns is used.`,
      });
    }
  }
  for (const [key, columns] of keyColumns) {
    for (const extra of columns.slice(1)) {
      issues.push({
        column: extra,
        code: 'data_key_duplicate',
        severity: 'error',
        message: `The custom data key “${key}” is already used by “${columns[0]}”. Give this column another key.`,
      });
    }
  }
  return issues;
}
