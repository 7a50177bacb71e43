/**
 * The one error the handlers throw on purpose: a stable code from the contract and a plain
 * message for people. Anything else thrown by a handler becomes `internal` at the boundary.
 */
import type { IpcError, IpcErrorCode } from '../../shared/ipc-contract';

export class IpcFailure extends Error {
  override readonly name = 'IpcFailure';
  constructor(
    readonly code: IpcErrorCode,
    message: string,
  ) {
    super(message);
  }

  toIpcError(): IpcError {
    return { code: this.code, message: this.message };
  }
}

export function isIpcFailure(error: unknown): error is IpcFailure {
  return error instanceof IpcFailure;
}
