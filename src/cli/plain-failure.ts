// What the person reads when a command stops on an error that no command turned into a CliError:
// a file system error (a state folder that is a file, a full disk, a folder this user may not
// write), an engine error that carries its own plain message and code (the journal, a job, the
// keychain), or, last, a bug, said as such. Never "unexpected problem: ENOTDIR: scandir …".
import { EXIT } from './exit-codes';

export interface PlainFailure {
  /** Stable code for `--json` (a public contract). */
  code: string;
  message: string;
  exitCode: number;
}

/** Errors of the engine whose message is already written for people, by their `code`. */
const ENGINE_CODES = new Set([
  'job_not_found',
  'job_unreadable',
  'job_state',
  'journal_write_failed',
  'file_changed',
  'output_not_a_file',
]);

/** A Node system error: `code` such as ENOSPC, maybe the path it concerns. */
interface SystemError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

function isSystemError(error: unknown): error is Error & SystemError {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** The sentence for a file system error, with what to do next; null for other errors. */
function describeSystemError(error: SystemError): { code: string; message: string } | null {
  const path = error.path ?? error.dest;
  const where = path ? ` ${path}` : '';
  const again = 'then run the same command again: nothing already sent is lost.';
  switch (error.code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        code: 'disk_full',
        message: `The disk is full: crisp-import could not write${where}. Free some space, ${again}`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        code: 'not_allowed',
        message: `Your user is not allowed to ${error.syscall === 'open' || error.syscall === 'scandir' ? 'open' : 'change'}${where}. Check its permissions (or choose another --state-dir), ${again}`,
      };
    case 'EROFS':
      return {
        code: 'not_allowed',
        message: `${path ?? 'This place'} is on a read-only disk. Choose a folder you can write to (--state-dir), ${again}`,
      };
    case 'ENOTDIR':
      return {
        code: 'path_invalid',
        message: `A part of the path${where} is a file, not a folder. Choose a folder (for instance another --state-dir), ${again}`,
      };
    case 'EISDIR':
      return {
        code: 'path_invalid',
        message: `${path ?? 'The path'} is a folder where a file was expected. Choose a file, ${again}`,
      };
    case 'ENOENT':
      return {
        code: 'path_invalid',
        message: `${path ?? 'A file or folder'} does not exist (it was moved or deleted). Put it back or choose another path, ${again}`,
      };
    case 'ELOOP':
      return {
        code: 'path_invalid',
        message: `The path${where} is a loop of links. Choose another path, ${again}`,
      };
    case 'ENAMETOOLONG':
      return {
        code: 'path_invalid',
        message: `The path${where} is too long for this system. Choose a shorter one, ${again}`,
      };
    case 'EMFILE':
    case 'ENFILE':
      return {
        code: 'too_many_files',
        message: `The system has too many files open to go on. Close some programs, ${again}`,
      };
    case 'EIO':
      return {
        code: 'disk_error',
        message: `The disk reported a read or write error${path ? ` on ${path}` : ''}. Check the disk, ${again}`,
      };
    default:
      return null;
  }
}

/** The plain words and code for an error no command turned into a CliError. */
export function describeFailure(error: unknown): PlainFailure {
  if (isSystemError(error)) {
    const said = describeSystemError(error);
    if (said) return { ...said, exitCode: EXIT.usage };
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (error instanceof Error && typeof code === 'string' && ENGINE_CODES.has(code)) {
    return { code, message: error.message, exitCode: EXIT.usage };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return {
    // `unexpected` stays the code of what crisp-import cannot explain (a public contract).
    code: 'unexpected',
    message:
      `crisp-import stopped on a problem it has no explanation for (a bug: ${detail}). ` +
      'Nothing already sent is lost: run the same command again to continue. If it happens again, ' +
      'report it with the command and the import’s log (crisp-import jobs show <id> names it).',
    exitCode: EXIT.usage,
  };
}
