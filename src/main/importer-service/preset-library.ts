/**
 * Presets as the renderer sees them: the user's saved mappings (engine PresetStore, one file per
 * preset in the state folder) and the built-in ones for known tools' exports.
 */
import type { PresetList, PresetMatch, PresetSummary } from '../../shared/ipc-contract';
import type { ImportMapping } from '../../shared/column-mapping';
import {
  BUILT_IN_PRESETS,
  canonicalHeaders,
  findBuiltInPreset,
  headerKey,
  mappingFromSourcePreset,
  type SourcePreset,
} from '../../shared/source-presets';
import {
  MIN_PRESET_COLUMNS_PRESENT,
  PresetStore,
  mappingFromUserPreset,
  type PresetFileFormat,
  type UserPreset,
} from '../engine/presets';
import { IpcFailure } from '../ipc/ipc-failure';
import { toIpcFailure } from './engine-errors';

export function userPresetSummary(preset: UserPreset): PresetSummary {
  return {
    presetId: preset.id,
    name: preset.name,
    builtIn: false,
    columns: preset.headers,
    mapping: preset.mapping,
    format: preset.format ?? null,
    createdAt: preset.createdAt,
    updatedAt: preset.updatedAt,
  };
}

export function builtInPresetSummary(preset: SourcePreset): PresetSummary {
  const headers = canonicalHeaders(preset);
  return {
    presetId: preset.id,
    name: preset.name,
    builtIn: true,
    columns: headers,
    mapping: mappingFromSourcePreset(preset, headers),
    format: null,
    createdAt: null,
    updatedAt: null,
  };
}

export class PresetLibrary {
  readonly store: PresetStore;

  constructor(stateDir: string) {
    this.store = new PresetStore(stateDir);
  }

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toIpcFailure(error);
    }
  }

  async userPresets(): Promise<UserPreset[]> {
    return this.guard(async () => (await this.store.list()).presets);
  }

  async list(): Promise<PresetList> {
    const presets = await this.userPresets();
    const newestFirst = [...presets].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1));
    return {
      presets: newestFirst.map(userPresetSummary),
      builtIn: BUILT_IN_PRESETS.map(builtInPresetSummary),
    };
  }

  /** Every user preset that fits these headers at least MIN_PRESET_COLUMNS_PRESENT, best first. */
  async matches(headers: readonly string[]): Promise<PresetMatch[]> {
    const fileKeys = new Set(headers.map(headerKey));
    const matches: PresetMatch[] = [];
    for (const preset of await this.userPresets()) {
      const imported = preset.mapping.columns.filter((c) => c.target.kind !== 'ignore');
      if (imported.length === 0) continue;
      const missingColumns = imported
        .filter((c) => !fileKeys.has(headerKey(c.column)))
        .map((c) => c.column);
      const score = (imported.length - missingColumns.length) / imported.length;
      if (score < MIN_PRESET_COLUMNS_PRESENT) continue;
      matches.push({
        preset: userPresetSummary(preset),
        score,
        missingColumns,
        mapping: mappingFromUserPreset(preset, headers),
      });
    }
    return matches.sort(
      (a, b) =>
        b.score - a.score || ((b.preset.updatedAt ?? '') > (a.preset.updatedAt ?? '') ? 1 : -1),
    );
  }

  async save(input: {
    name: string;
    columns: string[];
    mapping: ImportMapping;
    /** How the file is read (its header row above all), kept with the preset. */
    format?: PresetFileFormat | undefined;
    presetId?: string | undefined;
  }): Promise<PresetSummary> {
    return this.guard(async () => {
      if (input.presetId !== undefined) {
        if (findBuiltInPreset(input.presetId) && !(await this.exists(input.presetId))) {
          throw new IpcFailure(
            'preset_invalid',
            'A built-in preset cannot be changed. Save a copy under a new name.',
          );
        }
        const updated = await this.store.update(
          input.presetId,
          input.mapping,
          input.columns,
          input.format,
        );
        const current =
          updated.name === input.name ? updated : await this.store.rename(updated.id, input.name);
        return userPresetSummary(current);
      }
      return userPresetSummary(
        await this.store.save({
          name: input.name,
          headers: input.columns,
          mapping: input.mapping,
          ...(input.format ? { format: input.format } : {}),
        }),
      );
    });
  }

  private async exists(id: string): Promise<boolean> {
    return (await this.userPresets()).some((p) => p.id === id);
  }

  rename(presetId: string, name: string): Promise<PresetSummary> {
    return this.guard(async () => userPresetSummary(await this.store.rename(presetId, name)));
  }

  async remove(presetId: string): Promise<PresetList> {
    await this.guard(() => this.store.delete(presetId));
    return this.list();
  }

  async get(presetId: string): Promise<UserPreset> {
    return this.guard(() => this.store.get(presetId));
  }

  exportTo(presetId: string, path: string): Promise<void> {
    return this.guard(() => this.store.exportToFile(presetId, path));
  }

  importFrom(path: string): Promise<PresetSummary> {
    return this.guard(async () => userPresetSummary(await this.store.importFromFile(path)));
  }

  copyBuiltIn(presetId: string, name: string | undefined): Promise<PresetSummary> {
    return this.guard(async () => {
      const builtIn = findBuiltInPreset(presetId);
      if (!builtIn) throw new IpcFailure('not_found', 'There is no built-in preset by that name.');
      const base = name ?? `${builtIn.name} (my copy)`;
      let candidate = base;
      const taken = new Set((await this.userPresets()).map((p) => p.name.toLowerCase()));
      for (let n = 2; name === undefined && taken.has(candidate.toLowerCase()); n++) {
        candidate = `${base} ${n}`;
      }
      return userPresetSummary(await this.store.copyBuiltInPreset(builtIn.id, candidate));
    });
  }
}
