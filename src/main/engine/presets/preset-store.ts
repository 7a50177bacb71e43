/**
 * User presets on disk: `<stateDir>/presets/<id>.json`, one versioned JSON document each, written
 * atomically (temporary file, then rename). Built-in presets live in code and are read-only.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '../app-settings/output-file';
import { ImportMapping } from '../../../shared/column-mapping';
import {
  BUILT_IN_PRESETS,
  canonicalHeaders,
  findBuiltInPreset,
  mappingFromSourcePreset,
} from '../../../shared/source-presets';
import {
  parseUserPreset,
  PresetFormatError,
  USER_PRESET_VERSION,
  UserPreset,
  UserPresetId,
  type PresetFileFormat,
} from './user-preset';

/** A preset file is small; anything bigger is not one. */
export const MAX_PRESET_FILE_BYTES = 1024 * 1024;

export type PresetStoreErrorCode =
  'not_found' | 'name_taken' | 'invalid_name' | 'invalid_file' | 'read_only' | 'io';

export class PresetStoreError extends Error {
  override readonly name = 'PresetStoreError';
  constructor(
    readonly code: PresetStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface UnreadablePresetFile {
  file: string;
  message: string;
}

export interface PresetListing {
  presets: UserPreset[];
  /** Files in the presets folder that could not be read, with the reason in plain words. */
  unreadable: UnreadablePresetFile[];
}

export interface NewUserPreset {
  name: string;
  headers: readonly string[];
  mapping: ImportMapping;
  basedOn?: string;
  /** How the file is read (its header row above all). */
  format?: PresetFileFormat;
}

function newId(): string {
  return `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
}

function builtInIds(): Set<string> {
  return new Set(BUILT_IN_PRESETS.map((p) => p.id));
}

function plainIoError(action: string, error: unknown): PresetStoreError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission was refused'
      : code === 'ENOSPC'
        ? 'the disk is full'
        : code === 'ENOENT'
          ? 'the file or folder does not exist'
          : 'the system reported an error';
  return new PresetStoreError('io', `Could not ${action}: ${reason}.`);
}

export class PresetStore {
  readonly folder: string;

  constructor(stateDir: string) {
    this.folder = join(stateDir, 'presets');
  }

  private pathOf(id: string): string {
    if (!UserPresetId.safeParse(id).success) {
      throw new PresetStoreError('not_found', 'There is no saved preset with that id.');
    }
    return join(this.folder, `${id}.json`);
  }

  private assertNotBuiltIn(id: string): void {
    if (builtInIds().has(id)) {
      throw new PresetStoreError(
        'read_only',
        'Built-in presets cannot be changed. Make a copy of it, then edit the copy.',
      );
    }
  }

  private async checkName(name: string, exceptId?: string): Promise<string> {
    const trimmed = name.trim().replace(/\s+/g, ' ');
    if (trimmed.length === 0 || trimmed.length > 80) {
      throw new PresetStoreError('invalid_name', 'A preset needs a name of 1 to 80 characters.');
    }
    const lower = trimmed.toLowerCase();
    if (BUILT_IN_PRESETS.some((p) => p.name.toLowerCase() === lower)) {
      throw new PresetStoreError(
        'name_taken',
        `"${trimmed}" is the name of a built-in preset. Choose another name.`,
      );
    }
    const { presets } = await this.list();
    if (presets.some((p) => p.id !== exceptId && p.name.toLowerCase() === lower)) {
      throw new PresetStoreError(
        'name_taken',
        `A saved preset is already called "${trimmed}". Choose another name.`,
      );
    }
    return trimmed;
  }

  private async write(preset: UserPreset): Promise<void> {
    try {
      await mkdir(this.folder, { recursive: true });
      await writeFileAtomic(this.pathOf(preset.id), `${JSON.stringify(preset, null, 2)}\n`);
    } catch (error) {
      if (error instanceof PresetStoreError) throw error;
      throw plainIoError(`save the preset "${preset.name}"`, error);
    }
  }

  /** Every saved preset, by name; unreadable files are reported, not fatal. */
  async list(): Promise<PresetListing> {
    let files: string[];
    try {
      files = await readdir(this.folder);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return { presets: [], unreadable: [] };
      throw plainIoError('read the presets folder', error);
    }
    const presets: UserPreset[] = [];
    const unreadable: UnreadablePresetFile[] = [];
    for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
      try {
        const preset = await this.readPresetFile(join(this.folder, file));
        if (`${preset.id}.json` !== file) {
          unreadable.push({ file, message: 'Its file name does not match the preset inside.' });
          continue;
        }
        presets.push(preset);
      } catch (error) {
        unreadable.push({
          file,
          message: error instanceof PresetStoreError ? error.message : 'It could not be read.',
        });
      }
    }
    presets.sort((a, b) => a.name.localeCompare(b.name));
    return { presets, unreadable };
  }

  async get(id: string): Promise<UserPreset> {
    this.assertNotBuiltIn(id);
    try {
      return await this.readPresetFile(this.pathOf(id));
    } catch (error) {
      if (error instanceof PresetStoreError && error.code === 'io') {
        throw new PresetStoreError('not_found', 'This preset no longer exists.');
      }
      throw error;
    }
  }

  async save(input: NewUserPreset): Promise<UserPreset> {
    const name = await this.checkName(input.name);
    const now = new Date().toISOString();
    const preset = UserPreset.parse({
      version: USER_PRESET_VERSION,
      id: newId(),
      name,
      headers: [...input.headers],
      mapping: ImportMapping.parse(input.mapping),
      ...(input.basedOn ? { basedOn: input.basedOn } : {}),
      ...(input.format && Object.keys(input.format).length > 0 ? { format: input.format } : {}),
      createdAt: now,
      updatedAt: now,
    });
    await this.write(preset);
    return preset;
  }

  /** Replaces the mapping (and headers, and file format) of a saved preset, keeping its name and id. */
  async update(
    id: string,
    mapping: ImportMapping,
    headers?: readonly string[],
    format?: PresetFileFormat,
  ): Promise<UserPreset> {
    const current = await this.get(id);
    const next = UserPreset.parse({
      ...current,
      mapping: ImportMapping.parse(mapping),
      headers: headers ? [...headers] : current.headers,
      ...(format !== undefined ? { format } : {}),
      updatedAt: new Date().toISOString(),
    });
    await this.write(next);
    return next;
  }

  async rename(id: string, newName: string): Promise<UserPreset> {
    const current = await this.get(id);
    const name = await this.checkName(newName, id);
    const next = { ...current, name, updatedAt: new Date().toISOString() };
    await this.write(next);
    return next;
  }

  async delete(id: string): Promise<void> {
    this.assertNotBuiltIn(id);
    const path = this.pathOf(id);
    try {
      await stat(path);
    } catch {
      throw new PresetStoreError('not_found', 'This preset no longer exists.');
    }
    try {
      await rm(path);
    } catch (error) {
      throw plainIoError('delete the preset', error);
    }
  }

  /** Writes the preset to a file of the person's choice, to share or keep. */
  async exportToFile(id: string, filePath: string): Promise<void> {
    const preset = await this.get(id);
    try {
      await writeFileAtomic(filePath, `${JSON.stringify(preset, null, 2)}\n`);
    } catch (error) {
      throw plainIoError(`write ${basename(filePath)}`, error);
    }
  }

  /**
   * Reads a preset file exported earlier (by this app, possibly an older version) and saves it as
   * a new preset. A name already in use gets " (2)", " (3)"... added.
   */
  async importFromFile(filePath: string): Promise<UserPreset> {
    const imported = await this.readPresetFile(filePath);
    const { presets } = await this.list();
    const taken = new Set([
      ...presets.map((p) => p.name.toLowerCase()),
      ...BUILT_IN_PRESETS.map((p) => p.name.toLowerCase()),
    ]);
    let name = imported.name;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${imported.name} (${n})`;
    return this.save({
      name,
      headers: imported.headers,
      mapping: imported.mapping,
      ...(imported.basedOn ? { basedOn: imported.basedOn } : {}),
      ...(imported.format ? { format: imported.format } : {}),
    });
  }

  /**
   * An editable copy of a built-in preset. With the headers of a file, the copy is that file's
   * mapping; without, it has one column per preset column under its preferred name.
   */
  async copyBuiltInPreset(
    builtInId: string,
    newName: string,
    headers?: readonly string[],
  ): Promise<UserPreset> {
    const builtIn = findBuiltInPreset(builtInId);
    if (!builtIn)
      throw new PresetStoreError('not_found', 'There is no built-in preset by that name.');
    const columns = headers ? [...headers] : canonicalHeaders(builtIn);
    return this.save({
      name: newName,
      headers: columns,
      mapping: mappingFromSourcePreset(builtIn, columns),
      basedOn: builtIn.id,
    });
  }

  private async readPresetFile(path: string): Promise<UserPreset> {
    const name = basename(path);
    let text: string;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new PresetStoreError('invalid_file', `${name} is not a file.`);
      if (info.size > MAX_PRESET_FILE_BYTES) {
        throw new PresetStoreError(
          'invalid_file',
          `${name} is too large to be a preset (over 1 MB). Choose a preset file exported by Contact Importer.`,
        );
      }
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof PresetStoreError) throw error;
      throw plainIoError(`read ${name}`, error);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      throw new PresetStoreError(
        'invalid_file',
        `${name} is not a preset: it is not valid JSON. Choose a preset file exported by Contact Importer.`,
      );
    }
    try {
      return parseUserPreset(doc);
    } catch (error) {
      if (error instanceof PresetFormatError) {
        throw new PresetStoreError(
          'invalid_file',
          `${name} is not a usable preset. ${error.message}`,
        );
      }
      throw error;
    }
  }
}
