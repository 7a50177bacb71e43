/**
 * Row issue codes of the contact rules, with their severity and the plain sentence shown for
 * each. Codes are stable: never renamed once published.
 */
import type { IssueSeverity, RowIssue } from '../row-issue';
import type { CrispEmailForm } from './email-address';
import { DATE_FORMAT_CHOICES } from './import-date';

export const CONTACT_ISSUE_SEVERITY = {
  /** No email in the row. */
  email_missing: 'error',
  /** The email is not a valid address. */
  email_invalid: 'error',
  /** A valid address that Crisp cannot take (`/`, `?`, `#`, `\` or letters beyond ASCII before the @). */
  email_unsupported: 'error',
  /** An international domain, sent in its ASCII form (`müller.de` -> `xn--mller-kva.de`). */
  email_domain_ascii: 'warning',
  /** Several emails in one cell: the first is imported. */
  email_multiple: 'warning',
  /** The email cell needed cleaning (`Jane <jane@x.com>`, `mailto:`). */
  email_cleaned: 'warning',
  /** No name: the nickname was made from the email. */
  name_inferred: 'warning',
  /** A yes/no segment cell says neither yes nor no. */
  segment_flag_unclear: 'warning',
  country_unknown: 'warning',
  /** A date that is not ISO 8601 nor a timestamp, in a column without a chosen format. */
  date_format_needed: 'warning',
  date_invalid: 'warning',
  value_not_number: 'warning',
  value_not_boolean: 'warning',
  timezone_invalid: 'warning',
  locale_invalid: 'warning',
  url_invalid: 'warning',
  gender_unknown: 'warning',
  value_truncated: 'warning',
  /** A phone Excel wrote in scientific notation (`3.36123E+11`): its digits are lost. */
  phone_scientific: 'warning',
} as const satisfies Record<string, IssueSeverity>;

export type ContactIssueCode = keyof typeof CONTACT_ISSUE_SEVERITY;

const MAX_QUOTED = 80;

/** A cell value quoted for a message, cut when long. */
export function quote(value: string): string {
  const shown = value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value;
  return `“${shown}”`;
}

export function contactIssue(
  row: number,
  column: string | undefined,
  code: ContactIssueCode,
  message: string,
): RowIssue {
  const issue: RowIssue = { row, severity: CONTACT_ISSUE_SEVERITY[code], code, message };
  if (column !== undefined) issue.column = column;
  return issue;
}

const FORMAT_LIST = DATE_FORMAT_CHOICES.map((choice) => choice.label).join(', ');

/** The sentence for each code. */
export const contactMessages = {
  emailMissing: (): string =>
    'This row has no email. Crisp needs an email to import a contact: add it or remove the row.',
  emailInvalid: (value: string): string =>
    `${quote(value)} is not a valid email address. Correct it in the file; this row is not imported.`,
  emailUnsupported: (
    email: string,
    form: Exclude<CrispEmailForm, { kind: 'ascii_domain' }>,
  ): string =>
    form.kind === 'path_character'
      ? `${quote(email)} holds “${form.character}”, which Crisp cannot take in an email: it finds contacts by email in its web addresses, where “${form.character}” changes the address. This row is not imported; correct the email in the file.`
      : `${quote(email)} has letters beyond plain ASCII before the @ (${form.letters}), which Crisp does not accept in an email. This row is not imported; correct the email in the file if it has another spelling.`,
  emailDomainAscii: (email: string, sent: string): string =>
    `${quote(email)} is sent as ${sent}: Crisp takes an email's domain in its ASCII form, which is the same address.`,
  emailMultiple: (email: string, dropped: readonly string[]): string =>
    `This cell holds ${dropped.length + 1} emails. ${email} is imported; ${dropped.join(', ')} ${
      dropped.length === 1 ? 'is' : 'are'
    } not. Put each contact on its own row to import the others.`,
  emailCleaned: (cell: string, email: string): string =>
    `${quote(cell)} was read as the email ${email}.`,
  nameInferred: (name: string): string =>
    `No name for this contact; “${name}” was made from the email. Map a name column to set a real name.`,
  segmentFlagUnclear: (value: string, segment: string): string =>
    `${quote(value)} is neither yes nor no, so the segment “${segment}” was not added. Use yes or no in this column.`,
  countryUnknown: (value: string): string =>
    `${quote(value)} is not a country this importer knows. Use a two-letter code such as US or FR; the country is left empty.`,
  dateFormatNeeded: (value: string): string =>
    `${quote(value)} is not an ISO 8601 date or a UNIX timestamp. Choose this column’s date format in the mapping (${FORMAT_LIST}); until then this date is not imported.`,
  dateInvalid: (value: string, format: string): string =>
    format === 'auto'
      ? `${quote(value)} is not a valid date. Correct it in the file; this date is not imported.`
      : `${quote(value)} is not a valid date in the format ${format}. Correct it or choose another format; this date is not imported.`,
  valueNotNumber: (value: string): string =>
    `${quote(value)} is not a number. Correct it, or set this column’s type to text; the value is not imported.`,
  valueNotBoolean: (value: string): string =>
    `${quote(value)} is not yes/no or true/false. Correct it, or set this column’s type to text; the value is not imported.`,
  timezoneInvalid: (value: string): string =>
    `${quote(value)} is not a time zone. Use a UTC offset such as +02:00 or a zone such as Europe/Paris; the time zone is left empty.`,
  localeInvalid: (invalid: readonly string[]): string =>
    `${invalid.map(quote).join(', ')} ${
      invalid.length === 1 ? 'is not a language code' : 'are not language codes'
    }. Use codes such as en or fr-FR; ${invalid.length === 1 ? 'it is' : 'they are'} left out.`,
  urlInvalid: (value: string): string =>
    `${quote(value)} is not a web address. Use a full address such as https://example.com; the field is left empty.`,
  genderUnknown: (value: string): string =>
    `${quote(value)} is not a gender Crisp stores (male or female), so it is left empty.`,
  phoneScientific: (value: string): string =>
    `${quote(value)} is a phone number Excel turned into scientific notation when the file was saved, so its last digits are lost; the phone is left empty. In the spreadsheet, format the column as text (or export it as “CSV UTF-8” from the original), then import again.`,
  valueTruncated: (length: number, max: number): string =>
    `This value is ${length} characters long; only the first ${max} are imported.`,
};
