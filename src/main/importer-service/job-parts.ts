/**
 * The engine parts a job runs with (its rows, its mapper, its sender), bound to the engine's
 * reader, contact rules and Crisp sender.
 */
import type { ImportJobParts } from '../engine/import-jobs';
import type { JobRunSettings } from './engine-protocol';

export function engineJobParts(_settings: JobRunSettings): ImportJobParts {
  throw new Error('Importing is not available in this build yet.');
}
