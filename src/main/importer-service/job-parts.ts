/**
 * The engine parts a job runs with (its rows, its mapper, its Crisp sender with rate control and
 * the daily budget), built by the engine's createEngineParts for the worker thread. When Crisp
 * refuses the token mid-run, the sender asks `reconnect` for the key as it is now in the keychain,
 * so fixing the connection in the app lets the waiting import carry on.
 */
import { loadCrispCredentials, withHiddenKey } from '../engine/credentials';
import { createEngineParts, type ImportJobParts } from '../engine/import-jobs';
import type { JobRunSettings } from './engine-protocol';

export function engineJobParts(settings: JobRunSettings): ImportJobParts {
  const { connection } = settings;
  return createEngineParts({
    stateDir: settings.stateDir,
    connection: withHiddenKey({ ...connection }),
    dailyBudget: settings.dailyBudget,
    reserve: settings.reserve,
    async reconnect() {
      const saved = await loadCrispCredentials(
        connection.websiteId,
        settings.keychainService !== undefined ? { service: settings.keychainService } : {},
      ).catch(() => undefined);
      if (!saved) return null;
      return withHiddenKey({
        websiteId: connection.websiteId,
        apiUrl: connection.apiUrl,
        identifier: saved.identifier,
        key: saved.key,
        tier: saved.tier,
      });
    },
  });
}
