/**
 * Records to contacts. `compileContactMapper` turns a mapping and a file's headers into a
 * `ContactMapper` whose `mapRow` reads one record (the cells of one row) into the contact that
 * will be sent to Crisp, with every problem as a row issue. Everything that does not depend on
 * the row (column positions, labels, targets, options) is worked out once; `mapRow` is a single
 * loop over the mapped columns, called for every row of files of millions of rows.
 */
import type {
  ColumnMapping,
  DataValueType,
  DateFormat,
  ImportMapping,
  MultiValueSeparator,
  SegmentSeparator,
} from '../column-mapping';
import type { ContactProfile, DataValue } from '../contact-profile';
import type { CrispFieldId } from '../crisp-fields';
import type { RowIssue } from '../row-issue';
import { columnLabel } from './column-label';
import { resolveColumns } from './column-resolution';
import { contactIssue, contactMessages as say } from './contact-issues';
import { normalizeCountry } from './country';
import { cellValue, isExcelScientific, mayBeProtected, unprotectCell } from './cell-text';
import { sentDataKey } from './data-key';
import { autoDataValue, parseDataValue } from './data-value';
import {
  crispEmailForm,
  hasPathCharacter,
  inferNameFromEmail,
  normalizeEmail,
  plainEmail,
} from './email-address';
import { parseImportDate } from './import-date';
import {
  FIELD_MAX_LENGTH,
  MAX_DATA_TEXT_LENGTH,
  MAX_NICKNAME_LENGTH,
  normalizeGender,
  normalizeUrl,
  splitLocales,
  truncateText,
} from './profile-fields';
import { addSegment, MAX_SEGMENT_LENGTH, parseYesNo, splitSegments } from './segments';
import { parseTimezone } from './timezone';
import { DATE_FIELD_DATA_KEYS } from './validate-mapping';

export interface MappedRow {
  /** Row number as a spreadsheet shows it (the header is row 1). */
  row: number;
  /** The contact to send, or null when an error makes the row impossible to import. */
  contact: ContactProfile | null;
  /** Every problem of the row: errors (row not imported) and warnings (field dropped or changed). */
  issues: RowIssue[];
}

export interface ContactMapper {
  /** Maps the cells of one row. Missing trailing cells count as empty. */
  mapRow(fields: readonly string[], row: number): MappedRow;
  /** Labels of the mapped columns that this file does not have. */
  missingColumns: string[];
}

export interface ContactMapperOptions {
  /** Moment whose daylight saving time applies to time zone names (default: when compiled). */
  now?: number;
}

/** What a compiled column does with its cell. */
const enum Step {
  Email,
  FirstName,
  LastName,
  FullName,
  Text,
  Url,
  Gender,
  Timezone,
  Locales,
  Segments,
  Country,
  DateData,
  Data,
  SegmentIfYes,
}

/** Where a text or URL value lands. */
const enum Place {
  Person,
  Geolocation,
  Employment,
  Company,
  Notepad,
}

/**
 * Text and URL fields, one by one: the mapper writes each with its own named property access
 * (quicker than a property named by a variable, which the engine cannot specialize).
 */
const enum TextField {
  None,
  Phone,
  Address,
  Description,
  Avatar,
  Website,
  Region,
  City,
  CompanyName,
  CompanyLegalName,
  CompanyDomain,
  CompanyDescription,
  CompanyUrl,
  Title,
  Role,
  Seniority,
  Notepad,
}

const TEXT_FIELDS: Partial<Record<CrispFieldId, TextField>> = {
  phone: TextField.Phone,
  address: TextField.Address,
  description: TextField.Description,
  avatar: TextField.Avatar,
  website: TextField.Website,
  region: TextField.Region,
  city: TextField.City,
  company_name: TextField.CompanyName,
  company_legal_name: TextField.CompanyLegalName,
  company_domain: TextField.CompanyDomain,
  company_description: TextField.CompanyDescription,
  company_url: TextField.CompanyUrl,
  employment_title: TextField.Title,
  employment_role: TextField.Role,
  employment_seniority: TextField.Seniority,
  notepad: TextField.Notepad,
};

interface CompiledColumn {
  step: Step;
  /** For text and URL columns: the field written. */
  textField: TextField;
  index: number;
  label: string;
  place: Place;
  /** Property in its place, custom data key, or segment name. */
  key: string;
  maxLength: number;
  separator: SegmentSeparator;
  dateFormat: DateFormat;
  valueType: DataValueType;
  /** For cells packing several values: how they are separated (the first one is kept). */
  multiValue: RegExp | string | null;
  /** Segments dropped after splitting, lower-cased. */
  dropSegments: ReadonlySet<string> | null;
}

const MULTI_VALUE_SPLITTERS: Record<MultiValueSeparator, RegExp | string> = {
  ' ::: ': /\s*:::\s*/,
  ';': ';',
  ',': ',',
};

/** Splits a cell packing several values: trimmed, empty ones left out. */
function splitValues(cell: string, separator: RegExp | string): string[] {
  const values: string[] = [];
  for (const part of cell.split(separator)) {
    const value = part.trim();
    if (value !== '') values.push(value);
  }
  return values;
}

const TEXT_PLACES: Partial<Record<CrispFieldId, [Place, string]>> = {
  phone: [Place.Person, 'phone'],
  address: [Place.Person, 'address'],
  description: [Place.Person, 'description'],
  region: [Place.Geolocation, 'region'],
  city: [Place.Geolocation, 'city'],
  company_name: [Place.Company, 'name'],
  company_legal_name: [Place.Company, 'legal_name'],
  company_domain: [Place.Company, 'domain'],
  company_description: [Place.Company, 'description'],
  employment_title: [Place.Employment, 'title'],
  employment_role: [Place.Employment, 'role'],
  employment_seniority: [Place.Employment, 'seniority'],
  notepad: [Place.Notepad, 'notepad'],
};

const URL_PLACES: Partial<Record<CrispFieldId, [Place, string]>> = {
  avatar: [Place.Person, 'avatar'],
  website: [Place.Person, 'website'],
  company_url: [Place.Company, 'url'],
};

const FIELD_STEPS: Partial<Record<CrispFieldId, Step>> = {
  email: Step.Email,
  first_name: Step.FirstName,
  last_name: Step.LastName,
  full_name: Step.FullName,
  gender: Step.Gender,
  timezone: Step.Timezone,
  locales: Step.Locales,
  segments: Step.Segments,
  country: Step.Country,
  created_at: Step.DateData,
  last_active_at: Step.DateData,
};

function compileColumn(column: ColumnMapping, index: number, label: string): CompiledColumn | null {
  const compiled: CompiledColumn = {
    step: Step.Text,
    textField: TextField.None,
    index,
    label,
    place: Place.Person,
    key: '',
    maxLength: FIELD_MAX_LENGTH.default,
    separator: column.segmentSeparator ?? 'any',
    dateFormat: column.dateFormat ?? 'auto',
    valueType: column.valueType ?? 'auto',
    multiValue: column.multiValueSeparator
      ? (MULTI_VALUE_SPLITTERS[column.multiValueSeparator] ?? null)
      : null,
    dropSegments: column.dropSegments?.length
      ? new Set(column.dropSegments.map((segment) => segment.trim().toLowerCase()))
      : null,
  };
  const target = column.target;
  switch (target.kind) {
    case 'ignore':
      return null;
    case 'data':
      compiled.step = column.dateFormat ? Step.DateData : Step.Data;
      compiled.key = sentDataKey(target.key); // the key Crisp accepts (see data-key.ts)
      compiled.maxLength = MAX_DATA_TEXT_LENGTH;
      return compiled;
    case 'segment_if_yes':
      compiled.step = Step.SegmentIfYes;
      compiled.key = target.segment;
      return compiled;
    case 'field': {
      const field = target.field;
      compiled.maxLength = FIELD_MAX_LENGTH[field] ?? FIELD_MAX_LENGTH.default;
      const text = TEXT_PLACES[field];
      const url = URL_PLACES[field];
      compiled.textField = TEXT_FIELDS[field] ?? TextField.None;
      if (text) [compiled.place, compiled.key] = text;
      else if (url) {
        compiled.step = Step.Url;
        [compiled.place, compiled.key] = url;
      } else {
        compiled.step = FIELD_STEPS[field] ?? Step.Text;
        compiled.key = DATE_FIELD_DATA_KEYS[field] ?? field;
      }
      return compiled;
    }
  }
}

type Geolocation = NonNullable<ContactProfile['person']['geolocation']>;
type Employment = NonNullable<ContactProfile['person']['employment']>;

/** Prepares the mapping for a file with these headers (empty when the file has no header row). */
export function compileContactMapper(
  mapping: ImportMapping,
  headers: string[],
  options: ContactMapperOptions = {},
): ContactMapper {
  const positions = resolveColumns(mapping, headers);
  const missingColumns: string[] = [];
  const steps: CompiledColumn[] = [];
  let emailColumn: CompiledColumn | null = null;
  mapping.columns.forEach((column, i) => {
    if (column.target.kind === 'ignore') return;
    const index = positions[i] as number;
    if (index < 0) {
      missingColumns.push(column.column);
      return;
    }
    const compiled = compileColumn(column, index, columnLabel(headers, index));
    if (!compiled) return;
    if (compiled.step === Step.Email) {
      emailColumn ??= compiled; // a second email column is a mapping error: ignored here
      return;
    }
    steps.push(compiled);
  });
  const now = options.now ?? Date.now();
  const clearEmpty = mapping.emptyCells === 'clear';
  const extraSegments = mapping.extraSegments;
  const email: CompiledColumn | null = emailColumn;

  function mapRow(fields: readonly string[], row: number): MappedRow {
    const issues: RowIssue[] = [];
    let address: string | undefined;
    if (email === null) {
      issues.push(contactIssue(row, undefined, 'email_missing', say.emailMissing()));
    } else {
      address = readEmailCell(fields[email.index] ?? '', email, row, issues);
    }

    const person: ContactProfile['person'] = {};
    let geolocation: Geolocation | undefined;
    let employment: Employment | undefined;
    const company: ContactProfile['company'] = {};
    let notepad: string | undefined;
    const segments: string[] = [];
    const data: Record<string, DataValue> = {};
    const clearedDataKeys: string[] = [];
    let firstName = '';
    let lastName = '';
    let fullName = '';

    for (let s = 0; s < steps.length; s++) {
      const column = steps[s] as CompiledColumn;
      const raw = fields[column.index];
      let value = raw === undefined ? '' : trimCell(raw);
      // A spreadsheet's text protection ('+336…, ="0123") and Outlook's 0/0/00 (no date).
      const first = value.charCodeAt(0);
      if (first === 0x27 || first === 0x3d || first === 0x30) value = cellValue(value);
      if (column.multiValue !== null && value !== '') {
        value = splitValues(value, column.multiValue)[0] ?? '';
      }
      if (value === '') {
        if (clearEmpty && (column.step === Step.Data || column.step === Step.DateData)) {
          if (!Object.hasOwn(data, column.key) && !clearedDataKeys.includes(column.key)) {
            clearedDataKeys.push(column.key);
          }
        }
        continue;
      }
      switch (column.step) {
        case Step.FirstName:
          if (firstName === '') firstName = value;
          break;
        case Step.LastName:
          if (lastName === '') lastName = value;
          break;
        case Step.FullName:
          if (fullName === '') fullName = value;
          break;
        case Step.Text:
          switch (column.textField) {
            case TextField.Phone:
              if (person.phone !== undefined) break;
              if (value.indexOf('+', 1) > 0 && isExcelScientific(value)) {
                issues.push(warn(row, column, 'phone_scientific', say.phoneScientific(value)));
              } else person.phone = limit(value, column, row, issues);
              break;
            case TextField.Address:
              if (person.address === undefined) person.address = limit(value, column, row, issues);
              break;
            case TextField.Description:
              if (person.description === undefined) {
                person.description = limit(value, column, row, issues);
              }
              break;
            case TextField.Region:
              geolocation ??= {};
              if (geolocation.region === undefined) {
                geolocation.region = limit(value, column, row, issues);
              }
              break;
            case TextField.City:
              geolocation ??= {};
              if (geolocation.city === undefined) {
                geolocation.city = limit(value, column, row, issues);
              }
              break;
            case TextField.CompanyName:
              if (company.name === undefined) company.name = limit(value, column, row, issues);
              break;
            case TextField.CompanyLegalName:
              if (company.legal_name === undefined) {
                company.legal_name = limit(value, column, row, issues);
              }
              break;
            case TextField.CompanyDomain:
              if (company.domain === undefined) company.domain = limit(value, column, row, issues);
              break;
            case TextField.CompanyDescription:
              if (company.description === undefined) {
                company.description = limit(value, column, row, issues);
              }
              break;
            case TextField.Title:
              employment ??= {};
              if (employment.title === undefined) {
                employment.title = limit(value, column, row, issues);
              }
              break;
            case TextField.Role:
              employment ??= {};
              if (employment.role === undefined) {
                employment.role = limit(value, column, row, issues);
              }
              break;
            case TextField.Seniority:
              employment ??= {};
              if (employment.seniority === undefined) {
                employment.seniority = limit(value, column, row, issues);
              }
              break;
            case TextField.Notepad:
              if (notepad === undefined) notepad = limit(value, column, row, issues);
              break;
            default:
              break;
          }
          break;
        case Step.Url:
          switch (column.textField) {
            case TextField.Avatar: {
              if (person.avatar !== undefined) break;
              const url = readUrl(value, column, row, issues);
              if (url !== undefined) person.avatar = url;
              break;
            }
            case TextField.Website: {
              if (person.website !== undefined) break;
              const url = readUrl(value, column, row, issues);
              if (url !== undefined) person.website = url;
              break;
            }
            case TextField.CompanyUrl: {
              if (company.url !== undefined) break;
              const url = readUrl(value, column, row, issues);
              if (url !== undefined) company.url = url;
              break;
            }
            default:
              break;
          }
          break;
        case Step.Gender: {
          if (person.gender !== undefined) break;
          const gender = normalizeGender(value);
          if (gender === undefined)
            issues.push(warn(row, column, 'gender_unknown', say.genderUnknown(value)));
          else person.gender = gender;
          break;
        }
        case Step.Timezone: {
          if (person.timezone !== undefined) break;
          const minutes = parseTimezone(value, now);
          if (minutes === undefined) {
            issues.push(warn(row, column, 'timezone_invalid', say.timezoneInvalid(value)));
          } else person.timezone = minutes;
          break;
        }
        case Step.Locales: {
          const reading = splitLocales(value);
          if (reading.invalid.length > 0) {
            issues.push(warn(row, column, 'locale_invalid', say.localeInvalid(reading.invalid)));
          }
          if (reading.locales.length > 0) {
            const locales = (person.locales ??= []);
            for (const locale of reading.locales)
              if (!locales.includes(locale)) locales.push(locale);
          }
          break;
        }
        case Step.Segments: {
          const parts = splitSegments(value, column.separator);
          if (segments.length === 0 && column.dropSegments === null && fitSegments(parts)) {
            // The usual cell: the parts are already distinct, nothing to drop or cut.
            for (let p = 0; p < parts.length; p++) segments.push(parts[p] as string);
            break;
          }
          for (let p = 0; p < parts.length; p++) {
            const part = parts[p] as string;
            if (column.dropSegments?.has(part.toLowerCase())) continue;
            addSegment(segments, limitSegment(part, column, row, issues));
          }
          break;
        }
        case Step.SegmentIfYes: {
          const yes = parseYesNo(value);
          if (yes === true) addSegment(segments, column.key);
          else if (yes === undefined) {
            issues.push(
              warn(row, column, 'segment_flag_unclear', say.segmentFlagUnclear(value, column.key)),
            );
          }
          break;
        }
        case Step.Country: {
          if (geolocation?.country !== undefined) break;
          const code = normalizeCountry(value);
          if (code === undefined)
            issues.push(warn(row, column, 'country_unknown', say.countryUnknown(value)));
          else (geolocation ??= {}).country = code;
          break;
        }
        case Step.DateData: {
          if (Object.hasOwn(data, column.key)) break;
          const reading = parseImportDate(value, column.dateFormat);
          if (reading.ok) data[column.key] = reading.iso;
          else if (reading.reason === 'format_needed') {
            issues.push(warn(row, column, 'date_format_needed', say.dateFormatNeeded(value)));
          } else {
            issues.push(
              warn(row, column, 'date_invalid', say.dateInvalid(value, column.dateFormat)),
            );
          }
          break;
        }
        case Step.Data: {
          if (Object.hasOwn(data, column.key)) break;
          if (column.valueType === 'auto') {
            const typed = autoDataValue(value);
            data[column.key] =
              typeof typed === 'string' ? limit(typed, column, row, issues) : typed;
            break;
          }
          const reading = parseDataValue(value, column.valueType);
          if (!reading.ok) {
            issues.push(
              reading.code === 'value_not_number'
                ? warn(row, column, 'value_not_number', say.valueNotNumber(value))
                : warn(row, column, 'value_not_boolean', say.valueNotBoolean(value)),
            );
          } else if (typeof reading.value === 'string') {
            data[column.key] = limit(reading.value, column, row, issues);
          } else data[column.key] = reading.value;
          break;
        }
        case Step.Email:
          break;
      }
    }

    for (let i = 0; i < extraSegments.length; i++) addSegment(segments, extraSegments[i] as string);
    if (address === undefined) return { row, contact: null, issues };

    let nickname: string;
    let nicknameSource: ContactProfile['nicknameSource'];
    if (firstName !== '' || lastName !== '') {
      nickname =
        firstName === '' ? lastName : lastName === '' ? firstName : `${firstName} ${lastName}`;
      nicknameSource = 'first_last';
    } else if (fullName !== '') {
      nickname = fullName;
      nicknameSource = 'full_name';
    } else {
      nickname = inferNameFromEmail(address);
      nicknameSource = 'email';
      issues.push(
        contactIssue(
          row,
          email === null ? undefined : email.label,
          'name_inferred',
          say.nameInferred(nickname),
        ),
      );
    }
    if (nickname.length > MAX_NICKNAME_LENGTH) {
      issues.push(
        contactIssue(
          row,
          undefined,
          'value_truncated',
          say.valueTruncated(nickname.length, MAX_NICKNAME_LENGTH),
        ),
      );
      nickname = truncateText(nickname, MAX_NICKNAME_LENGTH);
    }
    if (geolocation !== undefined) person.geolocation = geolocation;
    if (employment !== undefined) person.employment = employment;

    const contact: ContactProfile = {
      email: address,
      nickname,
      nicknameSource,
      person,
      company,
      segments,
      data,
      clearedDataKeys,
    };
    if (notepad !== undefined) contact.notepad = notepad;
    return { row, contact, issues };
  }

  return { mapRow, missingColumns };
}

/**
 * Reads the email cell of a row: the address to send, or undefined with the issue that says
 * why there is none. A cell's text protection is undone first; packed values give the first;
 * an address Crisp cannot take as it is goes with its domain in ASCII, or is refused here (so
 * the check says so and the import never sends it).
 */
function readEmailCell(
  rawCell: string,
  email: CompiledColumn,
  row: number,
  issues: RowIssue[],
): string | undefined {
  let address: string | undefined;
  let cell = mayBeProtected(rawCell) ? unprotectCell(rawCell.trim()) : rawCell;
  // With a separator for packed values, the first is the email and the others are extra.
  let packedExtra: string[] = [];
  if (email.multiValue !== null) {
    const packed = splitValues(cell, email.multiValue);
    if (packed.length > 1) {
      cell = packed[0] as string;
      packedExtra = packed.slice(1);
    }
  }
  // The common case: one valid ASCII address Crisp takes as it is, nothing to report.
  const plain = email.multiValue === null ? plainEmail(cell) : undefined;
  if (plain !== undefined && !hasPathCharacter(plain)) return plain;
  const reading = normalizeEmail(cell);
  if (!reading.ok) {
    issues.push(
      reading.code === 'email_missing'
        ? contactIssue(row, email.label, 'email_missing', say.emailMissing())
        : contactIssue(row, email.label, 'email_invalid', say.emailInvalid(cell.trim())),
    );
  } else {
    address = reading.email;
    const dropped = packedExtra.length > 0 ? [...reading.dropped, ...packedExtra] : reading.dropped;
    if (dropped.length > 0) {
      issues.push(
        contactIssue(row, email.label, 'email_multiple', say.emailMultiple(address, dropped)),
      );
    } else if (reading.cleanedFrom !== undefined) {
      issues.push(
        contactIssue(
          row,
          email.label,
          'email_cleaned',
          say.emailCleaned(reading.cleanedFrom, address),
        ),
      );
    }
  }
  const form = address === undefined ? null : crispEmailForm(address);
  if (form !== null) {
    if (form.kind === 'ascii_domain') {
      issues.push(
        contactIssue(
          row,
          email.label,
          'email_domain_ascii',
          say.emailDomainAscii(address!, form.email),
        ),
      );
      address = form.email;
    } else {
      issues.push(
        contactIssue(row, email.label, 'email_unsupported', say.emailUnsupported(address!, form)),
      );
      address = undefined;
    }
  }
  return address;
}

/**
 * `cell.trim()`, quicker for the usual cell, which starts and ends with a character that cannot
 * be white space (every white space character is at most U+0020 or at least U+00A0).
 */
function trimCell(cell: string): string {
  const length = cell.length;
  if (length === 0) return cell;
  const first = cell.charCodeAt(0);
  const last = cell.charCodeAt(length - 1);
  if (first > 0x20 && first < 0xa0 && last > 0x20 && last < 0xa0) return cell;
  return cell.trim();
}

function warn(
  row: number,
  column: CompiledColumn,
  code: Parameters<typeof contactIssue>[2],
  message: string,
): RowIssue {
  return contactIssue(row, column.label, code, message);
}

/** A web address, or undefined with a warning when the cell is not one. */
function readUrl(
  value: string,
  column: CompiledColumn,
  row: number,
  issues: RowIssue[],
): string | undefined {
  const url = normalizeUrl(value);
  if (url === undefined) issues.push(warn(row, column, 'url_invalid', say.urlInvalid(value)));
  return url;
}

/** The value, cut to the column's limit with a warning when longer. */
function limit(value: string, column: CompiledColumn, row: number, issues: RowIssue[]): string {
  if (value.length <= column.maxLength) return value;
  issues.push(
    warn(row, column, 'value_truncated', say.valueTruncated(value.length, column.maxLength)),
  );
  return truncateText(value, column.maxLength);
}

/** True when no segment is longer than MAX_SEGMENT_LENGTH. */
function fitSegments(parts: readonly string[]): boolean {
  for (let p = 0; p < parts.length; p++) {
    if ((parts[p] as string).length > MAX_SEGMENT_LENGTH) return false;
  }
  return true;
}

function limitSegment(
  segment: string,
  column: CompiledColumn,
  row: number,
  issues: RowIssue[],
): string {
  if (segment.length <= MAX_SEGMENT_LENGTH) return segment;
  issues.push(
    warn(row, column, 'value_truncated', say.valueTruncated(segment.length, MAX_SEGMENT_LENGTH)),
  );
  return truncateText(segment, MAX_SEGMENT_LENGTH);
}
