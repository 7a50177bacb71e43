/**
 * The handler layer, in plain Node (no electron): for one request it checks the sender, validates
 * the payload against the channel's input schema, calls the handler, validates what it returns
 * against the output schema, and wraps everything as `{ ok, value } | { ok: false, error }`.
 * Electron's ipcMain (electron-ipc.ts) and the end-to-end test backend both call `dispatch`.
 */
import {
  ipcChannels,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
  type IpcResult,
} from '../../shared/ipc-contract';
import { isIpcFailure } from './ipc-failure';
import type { IpcSender, SenderCheck } from './trusted-sender';

/** One function per channel; each gets the parsed input and returns the output (or throws). */
export type ChannelHandlers = {
  [C in ChannelName]: (input: ChannelParsedInput<C>) => Promise<ChannelOutput<C>>;
};

export interface IpcDispatcher {
  dispatch(channel: string, payload: unknown, sender: IpcSender): Promise<IpcResult<unknown>>;
}

export interface IpcDispatcherOptions {
  handlers: ChannelHandlers;
  isTrustedSender: SenderCheck;
  /** Told about failures that are bugs (invalid output, unexpected exceptions). Never a secret. */
  onUnexpectedError?: (channel: string, error: unknown) => void;
}

function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(ipcChannels, name);
}

/** Describes a zod failure without echoing the value (it may hold a key). */
function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.map(String).join('.');
      return where === '' ? issue.message : `${where}: ${issue.message}`;
    })
    .join('; ');
}

export function createIpcDispatcher(options: IpcDispatcherOptions): IpcDispatcher {
  const { handlers, isTrustedSender } = options;
  const report = options.onUnexpectedError ?? (() => undefined);

  async function run<C extends ChannelName>(
    channel: C,
    payload: unknown,
  ): Promise<IpcResult<unknown>> {
    const spec = ipcChannels[channel];
    const input = spec.input.safeParse(payload ?? {});
    if (!input.success) {
      return {
        ok: false,
        error: {
          code: 'invalid_input',
          message: `The request "${channel}" was not understood (${describeIssues(input.error.issues)}). Restart the app; if it happens again, report it.`,
        },
      };
    }
    let value: unknown;
    try {
      const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
      value = await handler(input.data);
    } catch (error) {
      if (isIpcFailure(error)) return { ok: false, error: error.toIpcError() };
      report(channel, error);
      return {
        ok: false,
        error: {
          code: 'internal',
          message:
            'Something went wrong in the app. Try again; if it keeps happening, restart the app.',
        },
      };
    }
    const output = spec.output.safeParse(value);
    if (!output.success) {
      report(channel, new Error(`invalid output: ${describeIssues(output.error.issues)}`));
      return {
        ok: false,
        error: {
          code: 'invalid_output',
          message:
            'The app produced an answer it should not have. Try again; if it keeps happening, restart the app.',
        },
      };
    }
    return { ok: true, value: output.data };
  }

  return {
    async dispatch(channel, payload, sender) {
      if (!isTrustedSender(sender)) {
        return {
          ok: false,
          error: {
            code: 'forbidden_sender',
            message: 'This page is not allowed to use the importer.',
          },
        };
      }
      if (!isChannelName(channel)) {
        return {
          ok: false,
          error: { code: 'unknown_channel', message: `There is no request named "${channel}".` },
        };
      }
      return run(channel, payload);
    },
  };
}
