/**
 * The one IPC contract between the renderer and the main process.
 *
 * Every request channel (`domain:verb`) declares the name of its function on `window.importer`,
 * a zod schema for its input and one for its output. Every pushed event (`domain:pastTense`)
 * declares its listener name (`on...`) and a schema for its payload. The main side validates every
 * inbound payload and every outbound value against these schemas; the preload and the renderer
 * are typed from them (see importer-bridge.ts), so a change here breaks the build where it must.
 *
 * Errors cross as data: `{ ok: true, value } | { ok: false, error: { code, message } }`, with a
 * stable `code` (never renamed once published) and a `message` in plain words that says what to
 * do next.
 *
 * Files: the renderer never passes a path to read. A file is chosen with the native dialog
 * (`file:choose`), given by the desktop (command line, "Open with"), or dropped on the window (the
 * preload resolves the dropped File to its path and proves the page holds it; main checks the
 * proof and records it); afterwards it is named by the opaque `fileId` main issued.
 *
 * Secrets: no schema here carries an API key outward. Keys go in (`connections:save`,
 * `connections:test`) and never come back.
 */
import { z } from 'zod';
import { ImportMapping, EmptyCellPolicy } from './column-mapping';
import { ContactProfile } from './contact-profile';
import { CsvFormat, CsvEncoding, CsvDelimiter } from './csv-format';
import { DayPlan } from './day-plan';
import { DROP_PROOF_MAX_BASE64 } from './dropped-file-proof';
import { JOB_ID_PATTERN } from './job-id';
import { RowIssue, IssueSeverity } from './row-issue';

// ---------------------------------------------------------------------------------------------
// Errors and the result envelope

export const IPC_ERROR_CODES = [
  /** The payload did not match the channel's input schema (a bug in the caller). */
  'invalid_input',
  /** The request came from a window or frame that is not the app's own page. */
  'forbidden_sender',
  /** No such channel. */
  'unknown_channel',
  /** The file, job, preset, connection or check named by an id does not exist (any more). */
  'not_found',
  /** The chosen file cannot be read: missing, no permission, a spreadsheet, binary, empty. */
  'file_unreadable',
  /** The file changed since the job started: resume is refused, a new import is possible. */
  'file_changed',
  /** The mapping cannot be used (no email column, a column that is not in the file...). */
  'mapping_invalid',
  /** Crisp refused the credentials (wrong key, wrong token kind, website not bound). */
  'credentials_rejected',
  /** Crisp could not be reached (no network, DNS, timeout). */
  'network_unreachable',
  /** The OS keychain could not be used (locked, missing Secret Service). */
  'keychain_unavailable',
  /** A preset file or name that cannot be used (bad JSON, unknown version, duplicate name). */
  'preset_invalid',
  /** The operation does not fit the current state (resume a completed job, start twice...). */
  'invalid_state',
  /** The user closed a dialog without choosing: not an error to show, just nothing happened. */
  'cancelled',
  /** The main side produced a value that does not match the contract (a bug in main). */
  'invalid_output',
  /** Anything else. The message still says what to try. */
  'internal',
] as const;
export const IpcErrorCode = z.enum(IPC_ERROR_CODES);
export type IpcErrorCode = z.infer<typeof IpcErrorCode>;

export const IpcError = z.object({
  code: IpcErrorCode,
  /** One or two plain sentences: what went wrong and what to do next. */
  message: z.string(),
});
export type IpcError = z.infer<typeof IpcError>;

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** The envelope as a schema, for the bridge's check of what came back. */
export const IpcEnvelope = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: IpcError }),
]);

// ---------------------------------------------------------------------------------------------
// Ids

const id = z.string().min(1).max(200);
export const FileId = id;
/** Checked against its pattern at the boundary: it names a folder (`../../x` is refused). */
export const JobId = z.string().regex(JOB_ID_PATTERN, 'not an import id');
/** A job id main sends out (main's own ids; only what comes in is checked against the pattern). */
const JobIdOut = id;
export const PresetId = id;
export const ConnectionId = id;
export const CheckId = id;

const timestamp = z.string(); // ISO 8601
const count = z.number().int().nonnegative();

const Empty = z.object({}).strict();

// ---------------------------------------------------------------------------------------------
// Connections (a Crisp website plus a token; the key stays in the keychain)

/** Crisp's `X-Crisp-Tier` for the token: a website token or a plugin token. */
export const TokenKind = z.enum(['website', 'plugin']);
export type TokenKind = z.infer<typeof TokenKind>;

export const DailyBudget = z.object({
  /** Requests a day the importer may spend (10,000 for a website token, 5,000 for a plugin). */
  requestsPerDay: z.number().int().positive().max(10_000_000),
  /** Requests a day left for other tools that share the token. */
  reserve: z.number().int().nonnegative().max(10_000_000),
});
export type DailyBudget = z.infer<typeof DailyBudget>;

export const ConnectionSummary = z.object({
  connectionId: ConnectionId,
  websiteId: z.string(),
  /** What people call it ("Acme support"), or the website id. */
  label: z.string(),
  tokenKind: TokenKind,
  /** The token identifier with most of it hidden (`8c1b…42d0`); never the key. */
  identifierHint: z.string(),
  /** True for the built-in sandbox (a fake Crisp on this computer, for trying the app). */
  sandbox: z.boolean(),
  budget: DailyBudget,
});
export type ConnectionSummary = z.infer<typeof ConnectionSummary>;

export const ConnectionList = z.object({
  connections: z.array(ConnectionSummary),
  /** The connection the wizard uses unless another is picked. */
  defaultConnectionId: ConnectionId.nullable(),
});
export type ConnectionList = z.infer<typeof ConnectionList>;

export const ConnectionCredentials = z.object({
  websiteId: z.string().trim().min(1).max(100),
  identifier: z.string().trim().min(1).max(200),
  key: z.string().trim().min(1).max(500),
  tokenKind: TokenKind,
  label: z.string().trim().max(100).optional(),
});
export type ConnectionCredentials = z.infer<typeof ConnectionCredentials>;

export const ConnectionTestInput = z.union([
  /** Test credentials typed in the form, before saving. */
  z.object({ credentials: ConnectionCredentials }).strict(),
  /** Test a saved connection (its key is read from the keychain in main). */
  z.object({ connectionId: ConnectionId }).strict(),
]);
export type ConnectionTestInput = z.infer<typeof ConnectionTestInput>;

export const ConnectionTestResult = z.object({
  ok: z.boolean(),
  /** Why it failed, as a stable code (e.g. `credentials_rejected`, `network_unreachable`). */
  problem: IpcErrorCode.nullable(),
  /** Plain sentence for people: "Connected to website Acme." or what to fix. */
  message: z.string(),
});
export type ConnectionTestResult = z.infer<typeof ConnectionTestResult>;

// ---------------------------------------------------------------------------------------------
// Files

export const FileRef = z.object({
  fileId: FileId,
  /** File name without folders, for display. */
  name: z.string(),
  /** Full path, for display only (never accepted back as input). */
  displayPath: z.string(),
  sizeBytes: count,
  modifiedAt: timestamp,
});
export type FileRef = z.infer<typeof FileRef>;

/** A dropped file: its path, and its size and edge bytes as the page read them from the File. */
export const DroppedFileInput = z
  .object({
    path: z.string().min(1).max(4096),
    size: count,
    /** Base64 of the file's first bytes and of its last bytes (see dropped-file-proof.ts). */
    head: z.string().max(DROP_PROOF_MAX_BASE64),
    tail: z.string().max(DROP_PROOF_MAX_BASE64),
  })
  .strict();
export type DroppedFileInput = z.infer<typeof DroppedFileInput>;

export const FileChoice = z.object({
  /** Null when the dialog was closed without choosing. */
  file: FileRef.nullable(),
});
export type FileChoice = z.infer<typeof FileChoice>;

/** Overrides of what was detected; any field left out keeps the detected value. */
export const CsvFormatOverrides = z
  .object({
    encoding: CsvEncoding.optional(),
    delimiter: CsvDelimiter.optional(),
    header: z.boolean().optional(),
    /** The row holding the column names, as a spreadsheet numbers it (rows above are skipped). */
    headerRow: z.number().int().min(1).max(100_000).optional(),
    /** An Excel workbook's sheet, by its name (or number: "2" is the second tab). */
    sheet: z.string().min(1).max(300).optional(),
  })
  .strict();
export type CsvFormatOverrides = z.infer<typeof CsvFormatOverrides>;

export const FileInspectInput = z
  .object({
    fileId: FileId,
    overrides: CsvFormatOverrides.optional(),
    /** How many rows to preview (default 50). */
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();
export type FileInspectInput = z.infer<typeof FileInspectInput>;

/** A record as the reader gives it: its spreadsheet row number (header = row 1) and cells. */
export const PreviewRecord = z.object({
  row: count,
  cells: z.array(z.string()),
});
export type PreviewRecord = z.infer<typeof PreviewRecord>;

export const FileInspection = z.object({
  file: FileRef,
  /** What the reader detected from the file. */
  detected: CsvFormat,
  /** What is in effect: detected, with the overrides applied. */
  format: CsvFormat,
  /** Column names (or "Column 1", "Column 2"... without a header row). */
  columns: z.array(z.string()),
  records: z.array(PreviewRecord),
  /** Problems in the previewed rows (too many fields, invalid bytes...). */
  issues: z.array(RowIssue),
  /** A whole-file remark to show above the preview (e.g. "This looks like a spreadsheet"). */
  notice: z.string().nullable(),
  /** An Excel workbook's sheets, in order (`format.sheet` is the one read); empty for a CSV. */
  sheets: z.array(z.object({ name: z.string(), number: z.number().int().positive() })).default([]),
});
export type FileInspection = z.infer<typeof FileInspection>;

// ---------------------------------------------------------------------------------------------
// Presets (saved mappings)

export const PresetSummary = z.object({
  presetId: PresetId,
  name: z.string(),
  /** Built-in presets (Shopify, HubSpot, Mailchimp...) can be copied, not changed. */
  builtIn: z.boolean(),
  /** Column names of the file the preset was made for. */
  columns: z.array(z.string()),
  mapping: ImportMapping,
  /** The file format saved with it, if any. */
  format: CsvFormatOverrides.nullable(),
  createdAt: timestamp.nullable(),
  updatedAt: timestamp.nullable(),
});
export type PresetSummary = z.infer<typeof PresetSummary>;

export const PresetList = z.object({
  /** The user's presets, most recently used first. */
  presets: z.array(PresetSummary),
  builtIn: z.array(PresetSummary),
});
export type PresetList = z.infer<typeof PresetList>;

/** How well a preset fits a file's columns. */
export const PresetMatch = z.object({
  preset: PresetSummary,
  /** 0..1: share of the preset's mapped columns found in the file. */
  score: z.number().min(0).max(1),
  /** Columns the preset maps that the file does not have (said to the user by name). */
  missingColumns: z.array(z.string()),
  /** The preset's mapping re-aimed at this file's column positions. */
  mapping: ImportMapping,
});
export type PresetMatch = z.infer<typeof PresetMatch>;

export const PresetSaveInput = z
  .object({
    name: z.string().trim().min(1).max(100),
    columns: z.array(z.string()),
    mapping: ImportMapping,
    format: CsvFormatOverrides.optional(),
    /** Overwrite this preset instead of creating one. */
    presetId: PresetId.optional(),
  })
  .strict();
export type PresetSaveInput = z.input<typeof PresetSaveInput>;

// ---------------------------------------------------------------------------------------------
// Mapping and preview

export const ColumnProfile = z.object({
  index: count,
  name: z.string(),
  /** A few non-empty values from the first rows. */
  samples: z.array(z.string()),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

export const MappingProposeInput = z
  .object({ fileId: FileId, overrides: CsvFormatOverrides.optional() })
  .strict();

export const MappingProposal = z.object({
  columns: z.array(ColumnProfile),
  /** Proposed from the headers (or from the best preset when one fits). */
  mapping: ImportMapping,
  /** The saved preset proposed for this file, when one fits its headers. */
  proposedPreset: PresetMatch.nullable(),
  /** Every preset that fits at least partly, best first. */
  presetMatches: z.array(PresetMatch),
});
export type MappingProposal = z.infer<typeof MappingProposal>;

export const MappingProblem = z.object({
  /** Stable code, e.g. `email_missing`, `data_key_invalid`, `column_duplicated`. */
  code: z.string(),
  severity: IssueSeverity,
  column: z.string().nullable(),
  message: z.string(),
  /** For an invalid custom data key: the fixed-up key to offer (`Company Name` -> `company_name`). */
  suggestedKey: z.string().nullable(),
});
export type MappingProblem = z.infer<typeof MappingProblem>;

export const MappingValidateInput = z
  .object({ columns: z.array(z.string()), mapping: ImportMapping })
  .strict();

export const MappingValidation = z.object({
  /** False when an error-level problem blocks the import (e.g. no email column). */
  ok: z.boolean(),
  problems: z.array(MappingProblem),
});
export type MappingValidation = z.infer<typeof MappingValidation>;

/** Everything that says how a file is read and mapped: the input of preview, check and import. */
export const ImportPlanInput = z
  .object({
    fileId: FileId,
    overrides: CsvFormatOverrides.optional(),
    mapping: ImportMapping,
  })
  .strict();
export type ImportPlanInput = z.input<typeof ImportPlanInput>;

export const PreviewRowsInput = z
  .object({
    fileId: FileId,
    overrides: CsvFormatOverrides.optional(),
    mapping: ImportMapping,
    limit: z.number().int().min(1).max(500).optional(),
  })
  .strict();

export const PreviewRow = z.object({
  row: count,
  cells: z.array(z.string()),
  /** The contact exactly as it will be sent; null when the row cannot be imported. */
  contact: ContactProfile.nullable(),
  issues: z.array(RowIssue),
});
export type PreviewRow = z.infer<typeof PreviewRow>;

export const PreviewRows = z.object({
  columns: z.array(z.string()),
  rows: z.array(PreviewRow),
});
export type PreviewRows = z.infer<typeof PreviewRows>;

// ---------------------------------------------------------------------------------------------
// Full-file check

export const CheckStartInput = z
  .object({
    fileId: FileId,
    overrides: CsvFormatOverrides.optional(),
    mapping: ImportMapping,
    /** Whose daily budget the days estimate uses; the default connection when left out. */
    connectionId: ConnectionId.optional(),
  })
  .strict();
export type CheckStartInput = z.input<typeof CheckStartInput>;

export const CheckStarted = z.object({ checkId: CheckId });

export const IssueGroup = z.object({
  code: z.string(),
  severity: IssueSeverity,
  column: z.string().nullable(),
  /** A plain message for the group (from its first occurrence). */
  message: z.string(),
  count: count,
  /** Row numbers (header = 1), the first 1,000 at most; `count` says how many in all. */
  rows: z.array(count),
});
export type IssueGroup = z.infer<typeof IssueGroup>;

export const RequestEstimate = z.object({
  /** Crisp requests the import is expected to spend. */
  requests: count,
  /** Days at the budget below (at least 1 when there is anything to send). */
  days: z.number().nonnegative(),
  /** Requests a day usable by the importer (budget minus reserve). */
  requestsPerDay: count,
  /**
   * The requests day by day from now, against what is left of today's quota and the daily
   * allowance (see day-plan.ts); null when the check could not know the quota.
   */
  plan: DayPlan.nullable().default(null),
  /**
   * An undoable import (the preview's "so it can be undone" choice): up to `extraRequests` more
   * (one read of each existing contact before it is changed), `daysIfAllExist` in all when every
   * contact already exists in Crisp.
   */
  undoable: z.object({ extraRequests: count, daysIfAllExist: z.number().nonnegative() }).optional(),
});
export type RequestEstimate = z.infer<typeof RequestEstimate>;

/**
 * Rows skipped because this app already wrote exactly that contact to the website, and the
 * requests that saves; null when nothing is known (a first import, or no memory of the website).
 */
export const UnchangedRows = z.object({
  rows: count,
  requestsSaved: count,
  /** When this app last imported to the website (ISO 8601); null when unknown. */
  lastImportAt: timestamp.nullable(),
});
export type UnchangedRows = z.infer<typeof UnchangedRows>;

export const CheckReport = z.object({
  rows: count,
  valid: count,
  invalid: count,
  /** Rows that go but have at least one warning. */
  warnings: count,
  duplicateEmails: count,
  issueGroups: z.array(IssueGroup),
  estimate: RequestEstimate,
  /** Rows that need no request: unchanged since the last import (null when unknown). */
  unchanged: UnchangedRows.nullable().default(null),
  /** The encoding the check read the file with (it may differ from the preview's: see notes). */
  encoding: CsvEncoding.optional(),
  /**
   * Plain sentences about how the file was read: an encoding found only by reading the whole
   * file, report total or footer lines that are not contacts.
   */
  notes: z.array(z.string()).default([]),
  /**
   * Set when the file's start read as UTF-8 but the whole file only reads cleanly in another
   * encoding: the file is read in `encoding` from then on (preview and import included).
   */
  encodingSwitch: z
    .object({ encoding: CsvEncoding, row: count, note: z.string() })
    .nullable()
    .default(null),
});
export type CheckReport = z.infer<typeof CheckReport>;

export const CheckProgress = z.object({
  checkId: CheckId,
  fileId: FileId,
  rows: count,
  bytesRead: count,
  totalBytes: count,
});
export type CheckProgress = z.infer<typeof CheckProgress>;

export const CheckOutcome = z.object({
  checkId: CheckId,
  fileId: FileId,
  state: z.enum(['completed', 'cancelled', 'failed']),
  report: CheckReport.nullable(),
  error: IpcError.nullable(),
});
export type CheckOutcome = z.infer<typeof CheckOutcome>;

export const CheckStatus = z.object({
  checkId: CheckId,
  fileId: FileId,
  state: z.enum(['running', 'completed', 'cancelled', 'failed']),
  progress: CheckProgress,
  report: CheckReport.nullable(),
  error: IpcError.nullable(),
});
export type CheckStatus = z.infer<typeof CheckStatus>;

export const SavedFile = z.object({
  /** Where the file was written; null when the save dialog was closed. */
  savedTo: z.string().nullable(),
});
export type SavedFile = z.infer<typeof SavedFile>;

// ---------------------------------------------------------------------------------------------
// Import jobs

export const JOB_STATES = [
  'draft',
  'scanning',
  'ready',
  'running',
  'paused',
  'waiting_quota',
  'waiting_connection',
  'completed',
  'failed',
  'cancelled',
] as const;
export const JobState = z.enum(JOB_STATES);
export type JobState = z.infer<typeof JobState>;

export const JobCounters = z.object({
  /** Data rows read from the file so far. */
  read: count,
  /** Data rows in the file, once known (after the check, or at the end). */
  total: count.nullable(),
  created: count,
  updated: count,
  skipped: count,
  failed: count,
  /** Rows whose contact is what this app last wrote to the website: nothing was sent. */
  unchanged: count,
  /** Crisp requests spent by this job. */
  requests: count,
});
export type JobCounters = z.infer<typeof JobCounters>;

export const QuotaStatus = z.object({
  /** Requests left today for this import (budget minus reserve minus spent). */
  left: count.nullable(),
  requestsPerDay: count.nullable(),
  /** When the daily quota starts again (ISO 8601); null when unknown. */
  resetsAt: timestamp.nullable(),
});
export type QuotaStatus = z.infer<typeof QuotaStatus>;

export const JobSummary = z.object({
  jobId: JobIdOut,
  fileName: z.string(),
  displayPath: z.string(),
  connectionId: ConnectionId.nullable(),
  websiteId: z.string(),
  state: JobState,
  counters: JobCounters,
  /** 0..1 share of the file done (by bytes). */
  fraction: z.number().min(0).max(1),
  /** Rows a second over the last minute; null when not sending. */
  rowsPerSecond: z.number().nonnegative().nullable(),
  /** Seconds to the end at the current rate (waits for quota included); null when unknown. */
  etaSeconds: z.number().nonnegative().nullable(),
  /**
   * When the last request is expected to leave (ISO 8601), counting the daily quota; for a paused
   * job, if resumed now. Null when finished or unknown.
   */
  finishesAt: timestamp.nullable().default(null),
  /** The requests left, day by day against the quota (see day-plan.ts); null when unknown. */
  dayPlan: DayPlan.nullable().default(null),
  quota: QuotaStatus,
  /** Plain sentence about the state ("Waiting for tomorrow's quota, continues at 02:00."). */
  message: z.string().nullable(),
  /** True when the job can be resumed (paused, waiting, or interrupted by a stop). */
  resumable: z.boolean(),
  /** True when a failed rows file exists (failed or skipped rows). */
  hasFailedRows: z.boolean(),
  createdAt: timestamp,
  updatedAt: timestamp,
  finishedAt: timestamp.nullable(),
});
export type JobSummary = z.infer<typeof JobSummary>;

export const JobReport = z.object({
  created: count,
  updated: count,
  skipped: count,
  failed: count,
  /** Rows unchanged since this app last wrote them to the website (nothing sent). */
  unchanged: count,
  /** The person chose to send every row, unchanged ones too. */
  sendAll: z.boolean(),
  requests: count,
  /** Wall-clock seconds spent sending (waits excluded). */
  durationSeconds: z.number().nonnegative(),
  /** Failed rows that can pass if sent again (server errors, timeouts): "Retry N failed rows". */
  retryableFailed: count.default(0),
  /** Failed rows Crisp refused (their data): sending them again would fail again. */
  notRetryableFailed: count.default(0),
  /** Failures grouped by reason, for the report screen. */
  failureGroups: z.array(
    z.object({ code: z.string(), message: z.string(), count: count, rows: z.array(count) }),
  ),
});
export type JobReport = z.infer<typeof JobReport>;

export const JobDetail = z.object({
  job: JobSummary,
  mapping: ImportMapping,
  format: CsvFormat,
  /** Present once the job completed, failed or was cancelled. */
  report: JobReport.nullable(),
});
export type JobDetail = z.infer<typeof JobDetail>;

export const ImportStartInput = z
  .object({
    fileId: FileId,
    overrides: CsvFormatOverrides.optional(),
    mapping: ImportMapping,
    connectionId: ConnectionId,
    /** The preset the mapping came from (marked as used). */
    presetId: PresetId.optional(),
    /**
     * Send every row, even those whose contact is what this app last wrote to the website (for
     * instance after profiles were deleted in Crisp).
     */
    sendAll: z.boolean().optional(),
    /** Keep what existing contacts hold before they are changed, so the import can be undone. */
    undoable: z.boolean().optional(),
  })
  .strict();
export type ImportStartInput = z.input<typeof ImportStartInput>;

export const JobRef = z.object({ jobId: JobId }).strict();

/** What undoing an import will do, in numbers (before anything is sent). */
export const UndoPreview = z.object({
  jobId: JobIdOut,
  /** Profiles the import created: deleted. */
  deletes: count,
  /** Profiles the import updated, with what they held before: restored. */
  restores: count,
  /** Profiles the import updated without keeping what they held (not undoable): left as they are. */
  cannotRestore: count,
  /** Already undone by an earlier undo of this import. */
  alreadyDone: count,
  /** The import kept before-images (it was started "so it can be undone"). */
  undoable: z.boolean(),
  /** Requests the undo may spend (at most: reads, then a write or two per profile). */
  requests: count,
});
export type UndoPreview = z.infer<typeof UndoPreview>;

export const UndoStartInput = z
  .object({
    jobId: JobId,
    /** Undo the profiles changed in Crisp since the import too (the person chose it). */
    overwriteChanged: z.boolean().optional(),
  })
  .strict();

/** An undo as it goes, and how it ended. */
export const UndoStatus = z.object({
  jobId: JobIdOut,
  state: z.enum(['not_started', 'running', 'paused', 'completed']),
  done: count,
  total: count,
  requests: z.number().nonnegative(),
  /** How the last undo run ended (null before one ended). */
  result: z
    .object({
      deleted: count,
      restored: count,
      alreadyUndone: count,
      /** Changed in Crisp after the import: left as they are (the person may undo them anyway). */
      changedSince: count,
      failed: count,
      cannotRestore: count,
      pending: count,
      /** The changed profiles' emails (the first 1,000). */
      changed: z.array(z.string()),
      /** Why it paused, in plain words. */
      problem: z.string().nullable(),
    })
    .nullable(),
});
export type UndoStatus = z.infer<typeof UndoStatus>;

export const JobList = z.object({
  /** Newest first. */
  jobs: z.array(JobSummary),
});
export type JobList = z.infer<typeof JobList>;

export const JobStateChange = z.object({
  job: JobSummary,
  previousState: JobState.nullable(),
});
export type JobStateChange = z.infer<typeof JobStateChange>;

// ---------------------------------------------------------------------------------------------
// Settings and app state

export const ThemePreference = z.enum(['system', 'light', 'dark']);
export type ThemePreference = z.infer<typeof ThemePreference>;

export const AppSettings = z.object({
  theme: ThemePreference,
  /** What an empty custom data cell does to an existing profile. */
  emptyCells: EmptyCellPolicy,
  /** Show a system notification when a long import ends or needs attention. */
  notifications: z.boolean(),
  defaultConnectionId: ConnectionId.nullable(),
});
export type AppSettings = z.infer<typeof AppSettings>;

export const SettingsUpdate = z
  .object({
    theme: ThemePreference.optional(),
    emptyCells: EmptyCellPolicy.optional(),
    notifications: z.boolean().optional(),
    defaultConnectionId: ConnectionId.nullable().optional(),
    /** Change one connection's daily budget and reserve. */
    budget: z.object({ connectionId: ConnectionId, budget: DailyBudget }).strict().optional(),
  })
  .strict();
export type SettingsUpdate = z.infer<typeof SettingsUpdate>;

export const AppState = z.object({
  appVersion: z.string(),
  platform: z.enum(['darwin', 'win32', 'linux', 'other']),
  /** Whether the system (or the chosen theme) is dark right now. */
  darkMode: z.boolean(),
  settings: AppSettings,
  connections: ConnectionList,
  jobs: z.array(JobSummary),
  /** Unfinished jobs to offer for resume (paused, interrupted, waiting), newest first. */
  resumableJobIds: z.array(JobIdOut),
  /** The job sending right now, if any. */
  activeJobId: JobIdOut.nullable(),
  /** Files main knows in this session (chosen or dropped), newest first. */
  files: z.array(FileRef),
  /** Checks of this session, newest first (running ones included). */
  checks: z.array(CheckStatus),
  presets: PresetList,
});
export type AppState = z.infer<typeof AppState>;

/** Commands from the application menu that the renderer acts on. */
export const MenuCommand = z.enum([
  'new-import',
  'show-imports',
  'show-presets',
  'show-settings',
  'show-connections',
]);
export type MenuCommand = z.infer<typeof MenuCommand>;

// ---------------------------------------------------------------------------------------------
// The channel map

interface ChannelSpec<M extends string, I extends z.ZodType, O extends z.ZodType> {
  /** Name of the function on `window.importer`. */
  method: M;
  input: I;
  output: O;
}
function channel<M extends string, I extends z.ZodType, O extends z.ZodType>(
  method: M,
  input: I,
  output: O,
): ChannelSpec<M, I, O> {
  return { method, input, output };
}

export const ipcChannels = {
  'app:state': channel('getAppState', Empty, AppState),

  'connections:list': channel('listConnections', Empty, ConnectionList),
  /** Tests the credentials against Crisp first; saves (key to the keychain) only when they work. */
  'connections:save': channel('saveConnection', ConnectionCredentials.strict(), ConnectionSummary),
  'connections:test': channel('testConnection', ConnectionTestInput, ConnectionTestResult),
  'connections:remove': channel(
    'removeConnection',
    z.object({ connectionId: ConnectionId }).strict(),
    ConnectionList,
  ),
  /** Starts the fake Crisp on this computer and adds (or returns) its connection. */
  'connections:useSandbox': channel('useSandbox', Empty, ConnectionSummary),

  /** Opens the native open dialog in main. */
  'file:choose': channel('chooseFile', Empty, FileChoice),
  /**
   * A file dropped on the window. The renderer calls `importer.openDroppedFile(file)` with the DOM
   * File; the preload resolves it to a path (webUtils.getPathForFile) and sends that path here with
   * the proof that the page holds that file (dropped-file-proof.ts); a path alone is refused.
   */
  'file:dropped': channel('fileDropped', DroppedFileInput, FileRef),
  'file:inspect': channel('inspectFile', FileInspectInput, FileInspection),

  'mapping:propose': channel('proposeMapping', MappingProposeInput, MappingProposal),
  'mapping:validate': channel('validateMapping', MappingValidateInput, MappingValidation),
  'preview:rows': channel('previewRows', PreviewRowsInput, PreviewRows),

  'check:start': channel('startCheck', CheckStartInput, CheckStarted),
  'check:cancel': channel('cancelCheck', z.object({ checkId: CheckId }).strict(), CheckStatus),
  'check:get': channel('getCheck', z.object({ checkId: CheckId }).strict(), CheckStatus),
  /** Save dialog, then a CSV of every issue of the check (row, column, severity, code, message). */
  'check:exportIssues': channel(
    'exportCheckIssues',
    z.object({ checkId: CheckId }).strict(),
    SavedFile,
  ),

  'presets:list': channel('listPresets', Empty, PresetList),
  'presets:save': channel('savePreset', PresetSaveInput, PresetSummary),
  'presets:rename': channel(
    'renamePreset',
    z.object({ presetId: PresetId, name: z.string().trim().min(1).max(100) }).strict(),
    PresetSummary,
  ),
  'presets:remove': channel('removePreset', z.object({ presetId: PresetId }).strict(), PresetList),
  /** Save dialog, then the preset as a JSON file. */
  'presets:export': channel('exportPreset', z.object({ presetId: PresetId }).strict(), SavedFile),
  /** Open dialog, then the preset file is read, validated and saved; null when closed. */
  'presets:import': channel('importPreset', Empty, z.object({ preset: PresetSummary.nullable() })),
  'presets:copyBuiltIn': channel(
    'copyBuiltInPreset',
    z.object({ presetId: PresetId, name: z.string().trim().min(1).max(100).optional() }).strict(),
    PresetSummary,
  ),

  'import:start': channel('startImport', ImportStartInput, JobSummary),
  'import:pause': channel('pauseImport', JobRef, JobSummary),
  'import:resume': channel('resumeImport', JobRef, JobSummary),
  'import:cancel': channel('cancelImport', JobRef, JobSummary),
  /** Sends again, inside the completed job, its failed rows that can pass (progress as for an import). */
  'import:retryFailed': channel('retryFailedRows', JobRef, JobSummary),

  'jobs:list': channel('listJobs', Empty, JobList),
  'jobs:get': channel('getJob', JobRef, JobDetail),

  'undo:preview': channel('previewUndo', JobRef, UndoPreview),
  'undo:start': channel('startUndo', UndoStartInput, UndoStatus),
  'undo:get': channel('getUndo', JobRef, UndoStatus),

  /** Opens the failed rows CSV with the system's spreadsheet app. */
  'report:openFailedRows': channel('openFailedRows', JobRef, z.object({ opened: z.boolean() })),
  /** Save dialog, then a copy of the failed rows CSV. */
  'report:saveFailedRows': channel('saveFailedRows', JobRef, SavedFile),

  'settings:get': channel('getSettings', Empty, AppSettings),
  'settings:update': channel('updateSettings', SettingsUpdate, AppSettings),
} as const;

export type IpcChannels = typeof ipcChannels;
export type ChannelName = keyof IpcChannels;
export type ChannelInput<C extends ChannelName> = z.input<IpcChannels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<IpcChannels[C]['output']>;
/** The input after parsing (defaults applied): what a handler receives. */
export type ChannelParsedInput<C extends ChannelName> = z.output<IpcChannels[C]['input']>;
export const CHANNEL_NAMES = Object.keys(ipcChannels) as ChannelName[];

// ---------------------------------------------------------------------------------------------
// Pushed events (main -> renderer)

interface EventSpec<L extends string, P extends z.ZodType> {
  /** Name of the subscribe function on `window.importer`; it returns an unsubscribe function. */
  listener: L;
  payload: P;
}
function event<L extends string, P extends z.ZodType>(listener: L, payload: P): EventSpec<L, P> {
  return { listener, payload };
}

export const ipcEvents = {
  /** Counters, rate, ETA and quota of a sending job; at most 10 a second per job. */
  'import:progressed': event('onImportProgressed', JobSummary),
  /** A job changed state (started, paused, waiting for quota, completed...). */
  'import:stateChanged': event('onImportStateChanged', JobStateChange),
  /** An undo's progress and end (throttled by the undo desk: at most 10 a second). */
  'undo:progressed': event('onUndoProgressed', UndoStatus),
  'check:progressed': event('onCheckProgressed', CheckProgress),
  'check:finished': event('onCheckFinished', CheckOutcome),
  /** A file was opened from the menu, the dock/taskbar or a second launch with a path. */
  'file:opened': event('onFileOpened', FileRef),
  'connections:changed': event('onConnectionsChanged', ConnectionList),
  'presets:changed': event('onPresetsChanged', PresetList),
  'settings:changed': event('onSettingsChanged', AppSettings),
  /** The system (or chosen) theme switched between light and dark. */
  'theme:changed': event('onThemeChanged', z.object({ darkMode: z.boolean() })),
  /** An application menu item the renderer acts on (New import, Settings...). */
  'menu:commanded': event('onMenuCommand', z.object({ command: MenuCommand })),
} as const;

export type IpcEvents = typeof ipcEvents;
export type EventName = keyof IpcEvents;
export type EventPayload<E extends EventName> = z.output<IpcEvents[E]['payload']>;
export const EVENT_NAMES = Object.keys(ipcEvents) as EventName[];

/** Throttle for `import:progressed` and `check:progressed`: at most this many a second. */
export const MAX_PROGRESS_EVENTS_PER_SECOND = 10;
