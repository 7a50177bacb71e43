/**
 * A mapping says what each CSV column becomes in Crisp. It is a versioned JSON document,
 * validated with zod wherever it is read (a file, a preset, an IPC payload), and it is what a
 * preset stores.
 */
import { z } from 'zod';
import { CrispFieldId } from './crisp-fields';

export const ColumnTarget = z.discriminatedUnion('kind', [
  /** A Crisp profile field from the catalogue. */
  z.object({ kind: z.literal('field'), field: CrispFieldId }),
  /** A custom data key (`data.my_key` in Crisp's importer). */
  z.object({ kind: z.literal('data'), key: z.string().min(1).max(64) }),
  /** Adds `segment` to the contact when the cell says yes (yes, true, 1, x, oui, ja, sí...). */
  z.object({ kind: z.literal('segment_if_yes'), segment: z.string().min(1).max(64) }),
  /** The column is not imported. */
  z.object({ kind: z.literal('ignore') }),
]);
export type ColumnTarget = z.infer<typeof ColumnTarget>;

/**
 * How one cell of a segments column is split. `any` splits on |, comma and space (Crisp's rule).
 * ` ::: ` splits on the exact three-colon separator Google Contacts writes between labels
 * ("* myContacts ::: Work"). `quoted-comma` reads a comma-separated list whose items may each be
 * wrapped in double quotes, as Mailchimp writes its TAGS column (`"VIP","Blog"`): split on commas
 * outside quotes, then remove the quotes around each item.
 */
export const SegmentSeparator = z.enum(['any', '|', ',', ' ', ';', ' ::: ', 'quoted-comma']);
export type SegmentSeparator = z.infer<typeof SegmentSeparator>;

/**
 * How a date column is read. `auto` accepts ISO 8601 and UNIX seconds or milliseconds only;
 * anything else needs an explicit format and is never guessed.
 */
export const DateFormat = z.enum([
  'auto',
  'DD/MM/YYYY',
  'MM/DD/YYYY',
  'DD.MM.YYYY',
  'YYYY/MM/DD',
  'excel-serial',
  /** `2024-03-14 09:12:31`: date and time without a zone, read as UTC (Mailchimp, PrestaShop, Zoho). */
  'YYYY-MM-DD HH:mm:ss',
  /** `2024-03-12 09:14`: date and minutes without a zone, read as UTC (HubSpot's export). */
  'YYYY-MM-DD HH:mm',
]);
export type DateFormat = z.infer<typeof DateFormat>;

/**
 * For a single-value field (email, phone, website...) whose cells may pack several values, as
 * Google Contacts does (`ada@work.example ::: ada@home.example`): the cell is split on this
 * separator and the first non-empty, trimmed value is kept; the others are not imported.
 */
export const MultiValueSeparator = z.enum([' ::: ', ';', ',']);
export type MultiValueSeparator = z.infer<typeof MultiValueSeparator>;

/** Type of a custom data value. `auto` keeps numbers and true/false as such, else text. */
export const DataValueType = z.enum(['auto', 'string', 'number', 'boolean']);
export type DataValueType = z.infer<typeof DataValueType>;

export const ColumnMapping = z.object({
  /** Header of the column as the file names it (or "Column 3" for a file without a header). */
  column: z.string(),
  /** 0-based position of the column in the file the mapping was made for. */
  index: z.number().int().nonnegative(),
  target: ColumnTarget,
  /** For segments columns (and tags-like custom data): how a cell is split. */
  segmentSeparator: SegmentSeparator.optional(),
  /** For date columns (created_at, last_active_at, and custom data holding dates). */
  dateFormat: DateFormat.optional(),
  /** For custom data columns. */
  valueType: DataValueType.optional(),
  /** For single-value fields whose cells may hold several values: keep the first (see above). */
  multiValueSeparator: MultiValueSeparator.optional(),
  /**
   * For segments columns: values that are dropped after splitting, compared without case and
   * surrounding spaces (Google Contacts' system labels `* myContacts`, `* starred`).
   */
  dropSegments: z.array(z.string().min(1).max(64)).max(50).optional(),
});
export type ColumnMapping = z.infer<typeof ColumnMapping>;

/** What an empty custom data cell does to an existing profile. Crisp's own rule is `clear`. */
export const EmptyCellPolicy = z.enum(['clear', 'keep']);
export type EmptyCellPolicy = z.infer<typeof EmptyCellPolicy>;

export const IMPORT_MAPPING_VERSION = 1 as const;

export const ImportMapping = z.object({
  version: z.literal(IMPORT_MAPPING_VERSION),
  columns: z.array(ColumnMapping),
  emptyCells: EmptyCellPolicy.default('clear'),
  /** Segments added to every contact of the import (e.g. `imported-2026-11`). */
  extraSegments: z.array(z.string().min(1).max(64)).default([]),
});
export type ImportMapping = z.infer<typeof ImportMapping>;
