/**
 * Turns the engine's errors into contract errors (a stable code and the engine's plain message).
 * Errors are recognised by their `name` or `code`, so the engine never has to know about IPC.
 */
import type { IpcErrorCode } from '../../shared/ipc-contract';
import { IpcFailure, isIpcFailure } from '../ipc/ipc-failure';

const BY_NAME: Record<string, IpcErrorCode> = {
  KeychainUnavailableError: 'keychain_unavailable',
  DamagedKeychainEntryError: 'credentials_rejected',
  CredentialsError: 'credentials_rejected',
  JobNotFoundError: 'not_found',
  UnreadableJobError: 'internal',
  JobStateError: 'invalid_state',
  CsvFileError: 'file_unreadable',
  FileChangedError: 'file_changed',
  PresetError: 'preset_invalid',
  PresetNotFoundError: 'not_found',
};

const BY_CODE: Record<string, IpcErrorCode> = {
  job_not_found: 'not_found',
  job_state: 'invalid_state',
  job_unreadable: 'internal',
  file_changed: 'file_changed',
  preset_not_found: 'not_found',
  preset_invalid: 'preset_invalid',
  preset_name_taken: 'preset_invalid',
};

export function toIpcFailure(error: unknown): IpcFailure {
  if (isIpcFailure(error)) return error;
  if (error instanceof Error) {
    const engineCode = String((error as { code?: unknown }).code ?? '');
    if (error.name === 'PresetStoreError') {
      const code: IpcErrorCode =
        engineCode === 'not_found'
          ? 'not_found'
          : engineCode === 'io'
            ? 'internal'
            : 'preset_invalid';
      return new IpcFailure(code, error.message);
    }
    if (error.name === 'CsvFileError' || error.constructor.name === 'CsvFileError') {
      return new IpcFailure(
        engineCode === 'file_changed' ? 'file_changed' : 'file_unreadable',
        error.message,
      );
    }
    const code =
      BY_NAME[error.name] ??
      BY_NAME[error.constructor.name] ??
      BY_CODE[String((error as { code?: unknown }).code ?? '')];
    if (code) return new IpcFailure(code, error.message);
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' || errno === 'EACCES' || errno === 'EISDIR' || errno === 'EPERM') {
      return new IpcFailure(
        'file_unreadable',
        'A file could not be read or written (it was moved, deleted, or is not allowed). Check the file and try again.',
      );
    }
  }
  return new IpcFailure(
    'internal',
    'Something went wrong in the app. Try again; if it keeps happening, restart the app.',
  );
}
