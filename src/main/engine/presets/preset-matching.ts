/**
 * Which preset fits a file: a saved user preset whose columns match the file's headers wins over
 * a recognized built-in export, which wins over the automatic proposal.
 */
import {
  IMPORT_MAPPING_VERSION,
  type ColumnMapping,
  type ImportMapping,
} from '../../../shared/column-mapping';
import { proposeMapping } from '../../../shared/contact-rules/propose-mapping';
import {
  headerKey,
  mappingFromSourcePreset,
  recognizeSourceExport,
} from '../../../shared/source-presets';
import type { UserPreset } from './user-preset';

/** Share of the preset's imported columns the file must have for the preset to be proposed. */
export const MIN_PRESET_COLUMNS_PRESENT = 0.6;

export interface UserPresetMatch {
  preset: UserPreset;
  /** 0..1: share of the preset's imported columns found in the file. */
  score: number;
  /** The preset's imported columns that the file does not have. */
  missingColumns: string[];
}

function importedColumns(preset: UserPreset): ColumnMapping[] {
  return preset.mapping.columns.filter((c) => c.target.kind !== 'ignore');
}

/** The best saved preset for these headers, or null when none fits well enough. */
export function findPresetForHeaders(
  headers: readonly string[],
  userPresets: readonly UserPreset[],
): UserPresetMatch | null {
  const fileKeys = new Set(headers.map(headerKey));
  let best: (UserPresetMatch & { sameHeaders: boolean }) | null = null;
  for (const preset of userPresets) {
    const imported = importedColumns(preset);
    if (imported.length === 0) continue;
    const missingColumns = imported
      .filter((c) => !fileKeys.has(headerKey(c.column)))
      .map((c) => c.column);
    const score = (imported.length - missingColumns.length) / imported.length;
    if (score < MIN_PRESET_COLUMNS_PRESENT) continue;
    const presetKeys = preset.headers.map(headerKey);
    const sameHeaders =
      presetKeys.length === fileKeys.size && presetKeys.every((k) => fileKeys.has(k));
    const better =
      !best ||
      score > best.score ||
      (score === best.score && sameHeaders && !best.sameHeaders) ||
      (score === best.score &&
        sameHeaders === best.sameHeaders &&
        preset.updatedAt > best.preset.updatedAt);
    if (better) best = { preset, score, missingColumns, sameHeaders };
  }
  if (!best) return null;
  return { preset: best.preset, score: best.score, missingColumns: best.missingColumns };
}

/**
 * A saved preset applied to a file whose columns may be in another order: each column of the
 * file takes the settings the preset has for a column of that name; others are ignored.
 */
export function mappingFromUserPreset(
  preset: UserPreset,
  headers: readonly string[],
): ImportMapping {
  const byName = new Map<string, ColumnMapping>();
  for (const column of preset.mapping.columns) {
    const key = headerKey(column.column);
    if (!byName.has(key)) byName.set(key, column);
  }
  const columns = headers.map((header, index): ColumnMapping => {
    const saved = byName.get(headerKey(header));
    if (!saved) return { column: header, index, target: { kind: 'ignore' } };
    return { ...saved, column: header, index };
  });
  return {
    version: IMPORT_MAPPING_VERSION,
    columns,
    emptyCells: preset.mapping.emptyCells,
    extraSegments: [...preset.mapping.extraSegments],
  };
}

export type MappingOrigin = 'user-preset' | 'built-in' | 'automatic';

export interface MappingProposal {
  mapping: ImportMapping;
  origin: MappingOrigin;
  /** Name of the user or built-in preset used. */
  presetName?: string;
  /** Id of the user or built-in preset used. */
  presetId?: string;
  /** Columns of the user preset missing from the file (user-preset origin only). */
  missingColumns?: string[];
  /** One or two plain sentences for the person choosing the file. */
  message: string;
}

function listed(names: string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  if (quoted.length <= 5) return quoted.join(', ');
  return `${quoted.slice(0, 5).join(', ')} and ${quoted.length - 5} more`;
}

/** The mapping proposed for a newly chosen file. */
export function proposeMappingForHeaders(
  headers: readonly string[],
  userPresets: readonly UserPreset[],
  sampleRows: string[][] = [],
): MappingProposal {
  const saved = findPresetForHeaders(headers, userPresets);
  if (saved) {
    const missing = saved.missingColumns;
    const message =
      missing.length === 0
        ? `Your saved preset "${saved.preset.name}" matches this file. Its mapping is proposed.`
        : `Your saved preset "${saved.preset.name}" is proposed, but this file has no ${
            missing.length === 1 ? 'column' : 'columns'
          } ${listed(missing)}. Check the mapping before you continue.`;
    return {
      mapping: mappingFromUserPreset(saved.preset, headers),
      origin: 'user-preset',
      presetName: saved.preset.name,
      presetId: saved.preset.id,
      missingColumns: missing,
      message,
    };
  }
  const recognized = recognizeSourceExport(headers);
  if (recognized) {
    return {
      mapping: mappingFromSourcePreset(recognized.preset, headers),
      origin: 'built-in',
      presetName: recognized.preset.name,
      presetId: recognized.preset.id,
      message: `${recognized.message} Its preset is proposed; check the mapping before you continue.`,
    };
  }
  return {
    mapping: proposeMapping([...headers], sampleRows),
    origin: 'automatic',
    message: 'Columns were matched by their names. Check each one before you continue.',
  };
}
