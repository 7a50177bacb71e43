/**
 * A user preset: a mapping a person saved under a name, with the headers of the file it was made
 * for. Stored as versioned JSON; older versions are migrated when read.
 */
import { z } from 'zod';
import { ImportMapping } from '../../../shared/column-mapping';
import { CsvDelimiter, CsvEncoding } from '../../../shared/csv-format';

export const USER_PRESET_VERSION = 1 as const;

export const UserPresetId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);

/**
 * How the file was read when the preset was saved, as far as the person chose it: above all the
 * row holding the column names (a monthly report with title lines keeps them on row 5).
 */
export const PresetFileFormat = z.object({
  header: z.boolean().optional(),
  headerRow: z.number().int().positive().optional(),
  delimiter: CsvDelimiter.optional(),
  encoding: CsvEncoding.optional(),
});
export type PresetFileFormat = z.infer<typeof PresetFileFormat>;

export const UserPreset = z.object({
  version: z.literal(USER_PRESET_VERSION),
  id: UserPresetId,
  name: z.string().trim().min(1).max(80),
  /** Headers of the file the preset was made for, in order. */
  headers: z.array(z.string().max(500)).max(5000),
  mapping: ImportMapping,
  /** Id of the built-in preset this one was copied from, if any. */
  basedOn: z.string().max(64).optional(),
  /** How the file is read (its header row above all); absent in presets saved before it existed. */
  format: PresetFileFormat.optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type UserPreset = z.infer<typeof UserPreset>;

/**
 * Version 0: the unversioned draft format (before presets carried a version): the mapping's
 * columns at the top level, no timestamps.
 */
const UserPresetV0 = z.object({
  id: UserPresetId,
  name: z.string(),
  headers: z.array(z.string()).optional(),
  columns: z.array(z.unknown()),
  emptyCells: z.unknown().optional(),
  extraSegments: z.unknown().optional(),
});

const EPOCH = new Date(0).toISOString();

/** Each step migrates a document of version N to version N + 1. */
const MIGRATIONS: Record<number, (doc: unknown) => unknown> = {
  0: (doc) => {
    const v0 = UserPresetV0.parse(doc);
    const mapping = {
      version: 1,
      columns: v0.columns,
      ...(v0.emptyCells === undefined ? {} : { emptyCells: v0.emptyCells }),
      ...(v0.extraSegments === undefined ? {} : { extraSegments: v0.extraSegments }),
    };
    const headers =
      v0.headers ??
      v0.columns.map((c) =>
        c && typeof c === 'object' && 'column' in c
          ? String((c as { column: unknown }).column)
          : '',
      );
    return {
      version: 1,
      id: v0.id,
      name: v0.name,
      headers,
      mapping,
      createdAt: EPOCH,
      updatedAt: EPOCH,
    };
  },
};

export class PresetFormatError extends Error {
  override readonly name = 'PresetFormatError';
}

function versionOf(doc: unknown): number {
  if (doc && typeof doc === 'object' && 'version' in doc) {
    const v = (doc as { version: unknown }).version;
    return typeof v === 'number' && Number.isInteger(v) ? v : -1;
  }
  return 0;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'its content is not what a preset holds';
  const where = issue.path.length > 0 ? issue.path.join('.') : 'the preset';
  return `${where}: ${issue.message}`;
}

/** Reads a preset document of any known version; throws PresetFormatError in plain words. */
export function parseUserPreset(doc: unknown): UserPreset {
  let version = versionOf(doc);
  if (version < 0) throw new PresetFormatError('It has no valid version number.');
  if (version > USER_PRESET_VERSION) {
    throw new PresetFormatError(
      `It was saved by a newer version of Contact Importer (preset version ${version}). Update the app to use it.`,
    );
  }
  let current = doc;
  try {
    while (version < USER_PRESET_VERSION) {
      const step = MIGRATIONS[version];
      if (!step) throw new PresetFormatError(`Preset version ${version} cannot be read.`);
      current = step(current);
      version++;
    }
  } catch (error) {
    if (error instanceof PresetFormatError) throw error;
    if (error instanceof z.ZodError) throw new PresetFormatError(describeIssue(error));
    throw error;
  }
  const parsed = UserPreset.safeParse(current);
  if (!parsed.success) throw new PresetFormatError(describeIssue(parsed.error));
  return parsed.data;
}
