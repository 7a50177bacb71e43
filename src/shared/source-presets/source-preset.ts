/**
 * A built-in source preset: what one tool's contact export looks like (its column names, in every
 * language the tool writes them) and what each column becomes in Crisp. Built-in presets are
 * read-only code; a user edits a copy (a user preset, stored by the engine).
 */
import type {
  ColumnTarget,
  DataValueType,
  DateFormat,
  MultiValueSeparator,
  SegmentSeparator,
} from '../column-mapping';

/** One column of a tool's export, under every name the tool gives it. */
export interface PresetColumn {
  /**
   * The header names, most preferred first: versions and languages of the same column. When a
   * file holds several of them for one single-value field, the first listed here wins.
   */
  headers: readonly string[];
  target: ColumnTarget;
  segmentSeparator?: SegmentSeparator;
  dateFormat?: DateFormat;
  valueType?: DataValueType;
  multiValueSeparator?: MultiValueSeparator;
  dropSegments?: readonly string[];
}

/** Where the column names come from, cited next to each preset. */
export interface PresetSource {
  url: string;
  note: string;
}

/** The headers that tell this export apart from any other file. */
export interface PresetSignature {
  /** Headers specific to this tool's export (any language). */
  distinctive: readonly string[];
  /** How many of them a file must have before recognition may fire (never fewer than 3). */
  minDistinctive: number;
}

export interface SourcePreset {
  /** Stable id, such as `shopify-customers`. */
  id: string;
  /** Shown to people: "Shopify customers". */
  name: string;
  /** The tool: "Shopify". */
  tool: string;
  /** Languages whose header names are covered (ISO 639-1). */
  languages: readonly string[];
  source: PresetSource;
  /** Further references, when one page does not show every column. */
  alsoSee?: readonly PresetSource[];
  signature: PresetSignature;
  columns: readonly PresetColumn[];
  /** Headers this export contains that are deliberately not imported (known, so not "foreign"). */
  ignoredHeaders: readonly string[];
  /**
   * Headers of this preset (in `columns` or `ignoredHeaders`) that no public page or sample export
   * showed: kept because the tool very likely writes them, but never part of the signature, so
   * recognition never rests on them. The note of `source` says why each is kept.
   */
  unverifiedHeaders?: readonly string[];
}
