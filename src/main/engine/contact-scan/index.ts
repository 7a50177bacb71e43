/**
 * The full-file scan: reader, contact rules and the email index tied together. Every row of a
 * file is read, mapped and validated as the import will, nothing is sent; the report gives the
 * counts, the issues (first ones and groups), duplicate emails and the request estimate.
 */
export type {
  ContactScanReport,
  RecognizedSourceFormat,
  ScanIssue,
  ScanIssueGroup,
  ScanMappingSource,
  ScanProgress,
  UnchangedRowsEstimate,
} from './contact-scan-report';
export { DEFAULT_GROUP_ROW_LIMIT, DEFAULT_ISSUE_LIMIT, IssueTally } from './issue-tally';
export {
  ISSUES_CSV_COLUMNS,
  issuesCsv,
  issuesCsvLine,
  IssuesCsvWriter,
  type IssueSink,
} from './issues-csv';
export {
  ContactRequestTally,
  daysFor,
  DEFAULT_DAILY_BUDGET,
  planEstimateDays,
  REQUEST_MODEL_SUMMARY,
  type ContactRequestEstimate,
  type QuotaToday,
} from './request-estimate';
export { scanContactsFile, type ScanContactsOptions, type ScanPreset } from './scan-contacts-file';
