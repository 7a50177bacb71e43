/**
 * What it takes to talk to one Crisp website: where (API URL, website id) and as whom (token
 * identifier, key and kind). Schemas here validate every value that comes from a person, the
 * environment or the keychain.
 */
import { z } from 'zod';

import type { CrispConnection as CrispClientConnection } from '../crisp-client';

/** Crisp's production API origin. The API itself lives under `${apiUrl}/v1/`. */
export { DEFAULT_CRISP_API_URL } from '../crisp-client';

/** The kind of token (sent as `X-Crisp-Tier`). The legacy `user` tier is not supported. */
export const CrispTier = z.enum(['website', 'plugin']);
export type CrispTier = z.infer<typeof CrispTier>;

/** A Crisp website id: a UUID (Settings > Website Settings > Setup Instructions). Lower-cased. */
export const WebsiteId = z
  .string()
  .trim()
  .regex(
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'a website id looks like 8c842203-7ed8-4e29-a608-7cf78a7d2fcc (Crisp: Settings > Website Settings > Setup Instructions)',
  )
  .transform((id) => id.toLowerCase());
export type WebsiteId = z.output<typeof WebsiteId>;

/**
 * An API origin such as `https://api.crisp.chat` or `http://127.0.0.1:4010` (the sandbox), with
 * no trailing slash and no `/v1`. A trailing `/v1` or `/` given by a person is removed.
 */
export const CrispApiUrl = z
  .string()
  .trim()
  .refine(
    (text) => {
      try {
        const url = new URL(text);
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') &&
          url.username === '' &&
          url.password === '' &&
          url.search === '' &&
          url.hash === ''
        );
      } catch {
        return false;
      }
    },
    { message: 'the API URL must be an http(s) address such as https://api.crisp.chat' },
  )
  .transform((text) =>
    new URL(text).toString().replace(/\/+$/, '').replace(/\/v1$/i, '').replace(/\/+$/, ''),
  );

/** A token identifier (a UUID in practice; kept opaque). Not secret, but not shown in full. */
export const TokenIdentifier = z
  .string()
  .trim()
  .min(1, 'the token identifier is empty')
  .max(256, 'the token identifier is too long')
  .regex(/^[\x21-\x7e]+$/, 'the token identifier has spaces or unexpected characters')
  .refine((id) => !id.includes(':'), 'the token identifier cannot contain ":"');

/** A token key (64 hex characters in practice; kept opaque). Secret. */
export const TokenKey = z
  .string()
  .trim()
  .min(1, 'the key is empty')
  .max(1024, 'the key is too long')
  .regex(/^[\x21-\x7e]+$/, 'the key has spaces or unexpected characters');

/** The secret part of a connection, as stored in the keychain for one website. */
export interface CrispCredentials {
  identifier: string;
  key: string;
  tier: CrispTier;
}

/**
 * Everything a Crisp client needs for one website (the client's own type, with the API URL always
 * resolved). `key` is secret: never log or save it.
 */
export interface CrispConnection extends CrispClientConnection, CrispCredentials {
  /** API origin without `/v1`, e.g. https://api.crisp.chat. */
  apiUrl: string;
}

/** Where a resolved connection's token came from (for status lines; never the token itself). */
export type CredentialSource = 'environment' | 'keychain';

/** Identifier shortened for display: enough to recognise it, not to copy it. */
export function maskIdentifier(identifier: string): string {
  return identifier.length <= 8 ? `${identifier.slice(0, 2)}…` : `${identifier.slice(0, 8)}…`;
}

/**
 * Makes a connection safe to pass to loggers: `JSON.stringify` and `util.inspect` print the key
 * as "[hidden]". The added properties are not enumerable, so `{ ...connection }` stays a plain copy.
 */
export function withHiddenKey<T extends CrispConnection>(connection: T): T {
  const redacted = (): Record<string, unknown> => ({
    ...(connection as CrispConnection),
    key: '[hidden]',
  });
  Object.defineProperty(connection, 'toJSON', { value: redacted, enumerable: false });
  Object.defineProperty(connection, Symbol.for('nodejs.util.inspect.custom'), {
    value: redacted,
    enumerable: false,
  });
  return connection;
}

/** The first zod issue of a failed parse, as a plain sentence fragment. Never includes the input. */
export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'the value is not valid';
}
