/**
 * The app's settings file, `<stateDir>/settings.json`, shared by the desktop app and the CLI.
 * Versioned, validated with zod on every read, written atomically. A broken file never stops the
 * app: it is moved aside as a backup, defaults are used, and the caller gets a plain notice.
 * No secret lives here: keys are in the OS keychain (see ../credentials).
 */
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { EmptyCellPolicy } from '../../../shared/column-mapping';
import { CrispApiUrl, CrispTier, WebsiteId } from '../credentials/crisp-connection';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

export const SETTINGS_FILE_NAME = 'settings.json';
export const SETTINGS_VERSION = 1;

/** Requests per day a token may make, by token kind (crisp-api.md §1). */
export const DEFAULT_DAILY_BUDGET: Readonly<Record<CrispTier, number>> = {
  website: 10_000,
  plugin: 5_000,
};
/** Requests per day left for other tools that share the token. */
export const DEFAULT_RESERVE = 500;

export const Theme = z.enum(['system', 'light', 'dark']);
export type Theme = z.infer<typeof Theme>;

/** A website the user connected to (non-secret part; the key is in the keychain). */
export const SavedConnection = z.object({
  websiteId: WebsiteId,
  /** A name the user chose ("Shop EU"); optional. */
  label: z.string().trim().max(100).optional(),
  tier: CrispTier,
  /** Only when not Crisp's production API (e.g. the sandbox). */
  apiUrl: CrispApiUrl.optional(),
});
export type SavedConnection = z.infer<typeof SavedConnection>;

/** The user's overrides of the daily budget for one website; missing values use the defaults. */
export const DailyBudgetSetting = z
  .object({
    dailyBudget: z.number().int().min(1).max(100_000_000).optional(),
    reserve: z.number().int().min(0).max(100_000_000).optional(),
  })
  .refine(
    (b) => b.dailyBudget === undefined || b.reserve === undefined || b.reserve < b.dailyBudget,
    { message: 'the reserve must be smaller than the daily budget' },
  );
export type DailyBudgetSetting = z.infer<typeof DailyBudgetSetting>;

export const AppSettings = z.object({
  version: z.literal(SETTINGS_VERSION),
  theme: Theme.default('system'),
  /** What an empty custom data cell does to an existing profile, unless a job says otherwise. */
  emptyCells: EmptyCellPolicy.default('clear'),
  connections: z.array(SavedConnection).default([]),
  /** Budget overrides by website id. */
  dailyBudgets: z.record(z.string(), DailyBudgetSetting).default({}),
});
export type AppSettings = z.infer<typeof AppSettings>;

export function defaultAppSettings(): AppSettings {
  return {
    version: SETTINGS_VERSION,
    theme: 'system',
    emptyCells: 'clear',
    connections: [],
    dailyBudgets: {},
  };
}

export function settingsPath(stateDir: string): string {
  return join(stateDir, SETTINGS_FILE_NAME);
}

/**
 * Turns any older settings document into the current shape. Version 1 is the first; future
 * versions add a step here (e.g. `if (doc.version === 1) doc = fromV1(doc)`).
 */
const SettingsDocument = z
  .looseObject({ version: z.number().int().positive() })
  .superRefine((doc, ctx) => {
    if (doc.version > SETTINGS_VERSION) {
      ctx.addIssue({
        code: 'custom',
        path: ['version'],
        message: `it was written by a newer version of the app (settings version ${doc.version})`,
      });
    }
  })
  .pipe(AppSettings);

export interface LoadedSettings {
  settings: AppSettings;
  /** Set when the file was broken: what happened, in plain words, and where the backup is. */
  notice?: string;
}

/**
 * Reads the settings. A missing file gives the defaults. A broken file (not JSON, wrong shape,
 * newer version) is renamed to `settings.broken-<time>.json` and the defaults are used; an
 * unreadable one is left in place. Never throws for a bad file.
 */
export async function loadAppSettings(stateDir: string): Promise<LoadedSettings> {
  const path = settingsPath(stateDir);
  const read = await readJsonFile(path, SettingsDocument);
  if (read.ok) return { settings: read.value };
  if (read.problem === 'missing') return { settings: defaultAppSettings() };
  if (read.problem === 'unreadable') {
    return {
      settings: defaultAppSettings(),
      notice: `Your settings could not be read, so default settings are used for now. ${read.message}`,
    };
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const backup = join(stateDir, `settings.broken-${stamp}.json`);
  try {
    await rename(path, backup);
  } catch {
    return {
      settings: defaultAppSettings(),
      notice: `Your settings file is damaged, so default settings are used. ${read.message}`,
    };
  }
  return {
    settings: defaultAppSettings(),
    notice: `Your settings file was damaged and has been reset to the defaults. ${read.message} The old file was kept as ${backup}.`,
  };
}

/** Validates and writes the settings atomically. Throws a plain error for an invalid document. */
export async function saveAppSettings(stateDir: string, settings: AppSettings): Promise<void> {
  const parsed = AppSettings.safeParse(settings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
    throw new Error(`These settings cannot be saved${where}: ${issue?.message ?? 'invalid'}.`);
  }
  await writeJsonFileAtomic(settingsPath(stateDir), parsed.data);
}

const pendingUpdates = new Map<string, Promise<unknown>>();

/**
 * Reads, changes and writes the settings. Updates in the same process run one after another, so
 * none is lost. Returns the saved settings (and a notice if the old file was broken).
 */
export async function updateAppSettings(
  stateDir: string,
  change: (settings: AppSettings) => AppSettings,
): Promise<LoadedSettings> {
  const path = settingsPath(stateDir);
  const previous = pendingUpdates.get(path) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const loaded = await loadAppSettings(stateDir);
      const settings = change(structuredClone(loaded.settings));
      await saveAppSettings(stateDir, settings);
      return { ...loaded, settings };
    });
  pendingUpdates.set(path, next);
  try {
    return await next;
  } finally {
    if (pendingUpdates.get(path) === next) pendingUpdates.delete(path);
  }
}

/** Adds or replaces the saved connection for `connection.websiteId` (pure). */
export function rememberConnection(
  settings: AppSettings,
  connection: SavedConnection,
): AppSettings {
  const others = settings.connections.filter((c) => c.websiteId !== connection.websiteId);
  return { ...settings, connections: [...others, connection] };
}

/** Removes the saved connection and budget override of `websiteId` (pure). */
export function forgetConnection(settings: AppSettings, websiteId: string): AppSettings {
  const dailyBudgets = { ...settings.dailyBudgets };
  delete dailyBudgets[websiteId];
  return {
    ...settings,
    connections: settings.connections.filter((c) => c.websiteId !== websiteId),
    dailyBudgets,
  };
}

/** The budget that applies to one website: its overrides, else the defaults for its token kind. */
export interface DailyBudget {
  /** Requests per day the token may make. */
  dailyBudget: number;
  /** Requests per day kept for other tools on the same token. */
  reserve: number;
  /** Requests per day this app may use: `dailyBudget - reserve` (at least 0). */
  usable: number;
}

export function dailyBudgetFor(
  settings: AppSettings,
  websiteId: string,
  tier: CrispTier,
): DailyBudget {
  const override = settings.dailyBudgets[websiteId] ?? {};
  const dailyBudget = override.dailyBudget ?? DEFAULT_DAILY_BUDGET[tier];
  const reserve = Math.min(override.reserve ?? DEFAULT_RESERVE, Math.max(0, dailyBudget - 1));
  return { dailyBudget, reserve, usable: Math.max(0, dailyBudget - reserve) };
}

/** Sets (or, with `undefined` values, clears) the budget overrides of one website (pure). */
export function withDailyBudget(
  settings: AppSettings,
  websiteId: string,
  budget: DailyBudgetSetting,
): AppSettings {
  const dailyBudgets = { ...settings.dailyBudgets };
  const cleaned: DailyBudgetSetting = {};
  if (budget.dailyBudget !== undefined) cleaned.dailyBudget = budget.dailyBudget;
  if (budget.reserve !== undefined) cleaned.reserve = budget.reserve;
  if (Object.keys(cleaned).length === 0) delete dailyBudgets[websiteId];
  else dailyBudgets[websiteId] = cleaned;
  return { ...settings, dailyBudgets };
}
