/**
 * Contact rules: records to contacts, by Crisp's import rules (design.md §3). Pure code shared by
 * the engine (main process, workers) and the renderer (mapping screen, preview).
 */
export { columnLabel } from './column-label';
export { resolveColumns } from './column-resolution';
export type { ContactMapper, ContactMapperOptions, MappedRow } from './contact-mapper';
export { compileContactMapper } from './contact-mapper';
export type { ContactIssueCode } from './contact-issues';
export { CONTACT_ISSUE_SEVERITY } from './contact-issues';
export { isCountryCode, normalizeCountry } from './country';
export type { DataKeyCheck } from './data-key';
export { checkDataKey, MAX_DATA_KEY_LENGTH, sentDataKey, suggestDataKey } from './data-key';
export type { DataValueReading } from './data-value';
export { parseDataValue } from './data-value';
export type { CrispEmailForm, EmailReading } from './email-address';
export { crispEmailForm, inferNameFromEmail, isValidEmail, normalizeEmail } from './email-address';
export { mayBeProtected, unprotectCell } from './cell-text';
export { fieldForHeader, MULTI_COLUMN_FIELDS, proposeMapping } from './propose-mapping';
export type { ImportDateReading } from './import-date';
export { DATE_FORMAT_CHOICES, parseImportDate } from './import-date';
export type { LocalesReading } from './profile-fields';
export {
  FIELD_MAX_LENGTH,
  MAX_DATA_TEXT_LENGTH,
  MAX_NICKNAME_LENGTH,
  normalizeGender,
  normalizeUrl,
  splitLocales,
  truncateText,
} from './profile-fields';
export { addSegment, MAX_SEGMENT_LENGTH, parseYesNo, splitSegments } from './segments';
export { parseTimezone } from './timezone';
export type { MappingIssue, MappingIssueCode } from './validate-mapping';
export { DATE_FIELD_DATA_KEYS, validateMapping } from './validate-mapping';
