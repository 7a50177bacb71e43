import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  APP_FOLDER_NAME,
  DEFAULT_RESERVE,
  dailyBudgetFor,
  defaultAppSettings,
  defaultStateDir,
  forgetConnection,
  loadAppSettings,
  readJsonFile,
  rememberConnection,
  resolveStateDir,
  saveAppSettings,
  settingsPath,
  updateAppSettings,
  withDailyBudget,
  writeJsonFileAtomic,
} from '../../src/main/engine/app-settings';

const WEBSITE = '8c842203-7ed8-4e29-a608-7cf78a7d2fcc';

describe('state folder', () => {
  it('is the Electron user-data folder on each platform', () => {
    expect(defaultStateDir({ platform: 'linux', env: {}, home: '/home/ann' })).toBe(
      `/home/ann/.config/${APP_FOLDER_NAME}`,
    );
    expect(
      defaultStateDir({ platform: 'linux', env: { XDG_CONFIG_HOME: '/cfg' }, home: '/home/ann' }),
    ).toBe(`/cfg/${APP_FOLDER_NAME}`);
    expect(defaultStateDir({ platform: 'darwin', env: {}, home: '/Users/ann' })).toBe(
      `/Users/ann/Library/Application Support/${APP_FOLDER_NAME}`,
    );
    expect(
      defaultStateDir({
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' },
        home: 'C:\\Users\\ann',
      }),
    ).toBe(`C:\\Users\\ann\\AppData\\Roaming\\${APP_FOLDER_NAME}`);
  });

  it('can be moved with CRISP_IMPORTER_STATE_DIR', () => {
    expect(
      resolveStateDir({ env: { CRISP_IMPORTER_STATE_DIR: '/tmp/x' }, platform: 'linux' }),
    ).toBe('/tmp/x');
    expect(resolveStateDir({ env: {}, platform: 'linux', home: '/h' })).toBe(
      `/h/.config/${APP_FOLDER_NAME}`,
    );
  });
});

describe('daily budget', () => {
  it('defaults by token kind, with a reserve for other tools', () => {
    const settings = defaultAppSettings();
    expect(dailyBudgetFor(settings, WEBSITE, 'website')).toEqual({
      dailyBudget: 10_000,
      reserve: DEFAULT_RESERVE,
      usable: 10_000 - DEFAULT_RESERVE,
    });
    expect(dailyBudgetFor(settings, WEBSITE, 'plugin').dailyBudget).toBe(5_000);
  });

  it('uses the per-website overrides, and clearing them restores the defaults', () => {
    let settings = withDailyBudget(defaultAppSettings(), WEBSITE, {
      dailyBudget: 2_000,
      reserve: 100,
    });
    expect(dailyBudgetFor(settings, WEBSITE, 'website')).toEqual({
      dailyBudget: 2_000,
      reserve: 100,
      usable: 1_900,
    });
    // Another website keeps the defaults.
    expect(dailyBudgetFor(settings, 'other', 'plugin').dailyBudget).toBe(5_000);
    settings = withDailyBudget(settings, WEBSITE, {});
    expect(dailyBudgetFor(settings, WEBSITE, 'website').dailyBudget).toBe(10_000);
  });

  it('never leaves a negative usable budget when the default reserve exceeds a small budget', () => {
    const settings = withDailyBudget(defaultAppSettings(), WEBSITE, { dailyBudget: 100 });
    const budget = dailyBudgetFor(settings, WEBSITE, 'website');
    expect(budget.usable).toBeGreaterThan(0);
    expect(budget.reserve).toBeLessThan(100);
  });
});

describe('saved connections', () => {
  it('one entry per website: remembering again replaces, forgetting removes budget too', () => {
    let settings = rememberConnection(defaultAppSettings(), {
      websiteId: WEBSITE,
      tier: 'website',
    });
    settings = rememberConnection(settings, { websiteId: WEBSITE, tier: 'plugin', label: 'Shop' });
    expect(settings.connections).toEqual([{ websiteId: WEBSITE, tier: 'plugin', label: 'Shop' }]);
    settings = withDailyBudget(settings, WEBSITE, { reserve: 10 });
    settings = forgetConnection(settings, WEBSITE);
    expect(settings.connections).toEqual([]);
    expect(settings.dailyBudgets).toEqual({});
  });
});

describe('settings file', () => {
  let stateDir: string;
  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'app-settings-'));
  });
  afterEach(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('gives defaults when there is no file yet, and reads back what was saved', async () => {
    expect(await loadAppSettings(stateDir)).toEqual({ settings: defaultAppSettings() });
    const settings = rememberConnection(
      { ...defaultAppSettings(), theme: 'dark', emptyCells: 'keep' },
      { websiteId: WEBSITE.toUpperCase(), tier: 'website', apiUrl: 'http://127.0.0.1:4010/v1/' },
    );
    await saveAppSettings(stateDir, settings);
    const loaded = await loadAppSettings(stateDir);
    expect(loaded.notice).toBeUndefined();
    expect(loaded.settings.theme).toBe('dark');
    expect(loaded.settings.emptyCells).toBe('keep');
    // Normalised on the way in: lower-case id, API origin without /v1.
    expect(loaded.settings.connections).toEqual([
      { websiteId: WEBSITE, tier: 'website', apiUrl: 'http://127.0.0.1:4010' },
    ]);
    const onDisk = JSON.parse(await readFile(settingsPath(stateDir), 'utf8')) as {
      version: number;
    };
    expect(onDisk.version).toBe(1);
  });

  it('creates the state folder when it does not exist', async () => {
    const nested = join(stateDir, 'a', 'b');
    await saveAppSettings(nested, defaultAppSettings());
    expect((await loadAppSettings(nested)).settings).toEqual(defaultAppSettings());
  });

  it('refuses to save invalid settings with a plain message, keeping the old file', async () => {
    await saveAppSettings(stateDir, { ...defaultAppSettings(), theme: 'dark' });
    const bad = { ...defaultAppSettings(), theme: 'purple' } as unknown as Parameters<
      typeof saveAppSettings
    >[1];
    await expect(saveAppSettings(stateDir, bad)).rejects.toThrow(/cannot be saved \(theme\)/);
    expect((await loadAppSettings(stateDir)).settings.theme).toBe('dark');
  });

  it.each([
    ['truncated JSON', '{"version": 1, "theme": "da'],
    ['a wrong value', '{"version": 1, "theme": "purple"}'],
    ['a newer version', '{"version": 7, "theme": "dark"}'],
    ['no version', '{"theme": "dark"}'],
  ])('a damaged file (%s) falls back to defaults, says so, and keeps a backup', async (_, text) => {
    await writeFile(settingsPath(stateDir), text);
    const loaded = await loadAppSettings(stateDir);
    expect(loaded.settings).toEqual(defaultAppSettings());
    expect(loaded.notice).toMatch(/damaged and has been reset to the defaults/);
    expect(loaded.notice).toMatch(/kept as .*settings\.broken-/);
    const files = await readdir(stateDir);
    const backup = files.find((f) => f.startsWith('settings.broken-'));
    expect(backup).toBeDefined();
    expect(await readFile(join(stateDir, backup!), 'utf8')).toBe(text);
    // The next read is quiet: the damaged file was moved aside.
    expect((await loadAppSettings(stateDir)).notice).toBeUndefined();
  });

  it('says which field is wrong', async () => {
    await writeFile(
      settingsPath(stateDir),
      JSON.stringify({ version: 1, connections: [{ websiteId: WEBSITE, tier: 'user' }] }),
    );
    const loaded = await loadAppSettings(stateDir);
    expect(loaded.notice).toMatch(/connections\.0\.tier/);
  });

  it('an unreadable file (a folder in its place) gives defaults and a notice, never a crash', async () => {
    await mkdir(settingsPath(stateDir));
    const loaded = await loadAppSettings(stateDir);
    expect(loaded.settings).toEqual(defaultAppSettings());
    expect(loaded.notice).toMatch(/could not be read/);
  });

  it('concurrent updates in one process are all kept', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);
    await Promise.all(
      ids.map((websiteId) =>
        updateAppSettings(stateDir, (s) => rememberConnection(s, { websiteId, tier: 'website' })),
      ),
    );
    const loaded = await loadAppSettings(stateDir);
    expect(loaded.settings.connections.map((c) => c.websiteId).sort()).toEqual(ids);
    // No temporary files are left behind.
    expect((await readdir(stateDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('readJsonFile / writeJsonFileAtomic', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'json-file-'));
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });
  const Preset = z.object({ name: z.string(), columns: z.number().int() });

  it('round-trips a value and replaces the previous file whole', async () => {
    const path = join(folder, 'preset.json');
    await writeJsonFileAtomic(path, { name: 'a'.repeat(10_000), columns: 1 });
    await writeJsonFileAtomic(path, { name: 'b', columns: 2 });
    expect(await readJsonFile(path, Preset)).toEqual({
      ok: true,
      value: { name: 'b', columns: 2 },
    });
    expect(await readdir(folder)).toEqual(['preset.json']);
  });

  it('names each problem: missing, not JSON, wrong shape', async () => {
    const path = join(folder, 'p.json');
    expect(await readJsonFile(path, Preset)).toMatchObject({ ok: false, problem: 'missing' });
    await writeFile(path, '{ nope');
    expect(await readJsonFile(path, Preset)).toMatchObject({ ok: false, problem: 'not_json' });
    await writeFile(path, '{"name": "x", "columns": "three"}');
    const wrong = await readJsonFile(path, Preset);
    expect(wrong).toMatchObject({ ok: false, problem: 'invalid' });
    expect(wrong.ok ? '' : wrong.message).toMatch(/at "columns"/);
  });

  it('reads a file saved with a byte-order mark (Windows editors)', async () => {
    const path = join(folder, 'bom.json');
    await writeFile(path, '\uFEFF{"name":"x","columns":3}');
    expect(await readJsonFile(path, Preset)).toEqual({
      ok: true,
      value: { name: 'x', columns: 3 },
    });
  });
});
