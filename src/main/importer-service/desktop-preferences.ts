/**
 * The desktop app's own preferences, beside the engine's settings.json (which the CLI shares):
 * `<stateDir>/desktop-preferences.json`, versioned, zod-validated, written atomically.
 * Holds no secret (the sandbox's key is in the keychain like any other).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../engine/app-settings';

export const DesktopPreferences = z.object({
  version: z.literal(1),
  notifications: z.boolean().default(true),
  defaultConnectionId: z.string().nullable().default(null),
  /** The sandbox's website id and last port, so its connection and jobs survive a restart. */
  sandbox: z
    .object({ websiteId: z.string(), port: z.number().int().min(0).max(65535) })
    .nullable()
    .default(null),
});
export type DesktopPreferences = z.infer<typeof DesktopPreferences>;

const FILE_NAME = 'desktop-preferences.json';

export function defaultDesktopPreferences(): DesktopPreferences {
  return { version: 1, notifications: true, defaultConnectionId: null, sandbox: null };
}

export class DesktopPreferenceFile {
  private queue: Promise<unknown> = Promise.resolve();
  constructor(private readonly stateDir: string) {}

  async read(): Promise<DesktopPreferences> {
    const read = await readJsonFile(join(this.stateDir, FILE_NAME), DesktopPreferences);
    return read.ok ? read.value : defaultDesktopPreferences();
  }

  /** Read, change, write; changes in this process run one after another. */
  update(change: (prefs: DesktopPreferences) => DesktopPreferences): Promise<DesktopPreferences> {
    const next = this.queue
      .catch(() => undefined)
      .then(async () => {
        const prefs = change(await this.read());
        await writeJsonFileAtomic(join(this.stateDir, FILE_NAME), DesktopPreferences.parse(prefs));
        return prefs;
      });
    this.queue = next;
    return next;
  }
}
