/**
 * A failure no command turned into a CliError, said plainly: what happened and what to do, with
 * a stable code. Known system failures (a full disk, a permission, a file gone) get their own
 * sentence; anything else is still one plain sentence that says nothing more was sent and how to
 * carry on, never a bare "unexpected problem" or a stack trace.
 */
export interface PlainFailure {
  /** Stable JSON code (a public contract): `disk_full`, `not_permitted`, `file_unreadable`, `unexpected`. */
  code: string;
  message: string;
}

const CARRY_ON = 'run the same command again: an import carries on from where it stopped.';

export function plainFailure(error: unknown): PlainFailure {
  const errno = (error as { code?: unknown } | null)?.code;
  const path = (error as { path?: unknown } | null)?.path;
  const where = typeof path === 'string' ? ` (${path})` : '';
  switch (errno) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        code: 'disk_full',
        message: `The disk is full${where}. Free some space, then ${CARRY_ON}`,
      };
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return {
        code: 'not_permitted',
        message: `crisp-import is not allowed to write or read a file it needs${where}. Check the folder's permissions (or choose another with --state-dir), then ${CARRY_ON}`,
      };
    case 'ENOENT':
    case 'EISDIR':
    case 'ENOTDIR':
    case 'ELOOP':
      return {
        code: 'file_unreadable',
        message: `A file or folder crisp-import needs is missing or is not what it should be${where}. Check the path, then ${CARRY_ON}`,
      };
    case 'EMFILE':
    case 'ENFILE':
    case 'ENOMEM':
      return {
        code: 'unexpected',
        message: `The computer ran short of resources (${String(errno)}). Close other programs, then ${CARRY_ON}`,
      };
    default:
      break;
  }
  if (error instanceof RangeError) {
    return {
      code: 'unexpected',
      message: `crisp-import could not hold part of this file in memory (${error.message}). Nothing more was sent. Check the file for an enormous row or value, then ${CARRY_ON}`,
    };
  }
  const detail = error instanceof Error ? error.message : String(error);
  return {
    code: 'unexpected',
    message: `crisp-import stopped because of a fault of its own (${detail}). Nothing more was sent; ${CARRY_ON} If it happens again, report it with this message.`,
  };
}
