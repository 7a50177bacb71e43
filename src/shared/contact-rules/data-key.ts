/**
 * Custom data keys. Crisp's advice: short, lower case, letters, digits, `_` and `-` only
 * (`user_id`, `lifetime_value`, `ltv`); `Company Name`, `$ltv`, `is_subscribed?` and
 * `user.name` are refused. Crisp's own examples also accept `AppVersionCode`, so upper-case
 * letters pass, with advice to use lower case.
 */
import { foldLetters } from './text-fold';

export const MAX_DATA_KEY_LENGTH = 64;

const VALID_KEY = /^[A-Za-z0-9_-]+$/;
const UPPER = /[A-Z]/;

export type DataKeyCheck =
  | {
      ok: true;
      /** Set when the key works but a lower-case spelling is advised... */
      advice?: string;
      /** ...and this is the advised key. */
      suggestion?: string;
    }
  | { ok: false; suggestion: string; message: string };

/** Checks a custom data key and, when it is refused, offers a fixed-up key. */
export function checkDataKey(key: string): DataKeyCheck {
  if (key.length > 0 && key.length <= MAX_DATA_KEY_LENGTH && VALID_KEY.test(key)) {
    if (!UPPER.test(key)) return { ok: true };
    const suggestion = suggestDataKey(key);
    return {
      ok: true,
      advice: `Crisp advises lower-case custom data keys: use “${suggestion}” rather than “${key}”.`,
      suggestion,
    };
  }
  const suggestion = suggestDataKey(key);
  if (key.trim() === '') {
    return {
      ok: false,
      suggestion,
      message: 'The custom data key is empty. Type a short key such as “user_id”.',
    };
  }
  if (key.length > MAX_DATA_KEY_LENGTH) {
    return {
      ok: false,
      suggestion,
      message: `The custom data key “${key.slice(0, 20)}…” is longer than ${MAX_DATA_KEY_LENGTH} characters. Use a shorter key such as “${suggestion}”.`,
    };
  }
  return {
    ok: false,
    suggestion,
    message: `The custom data key “${key}” may only hold letters, digits, _ and -. Use “${suggestion}” instead.`,
  };
}

/**
 * A valid, lower-case key made from a column header: `Company Name` -> `company_name`,
 * `$ltv` -> `ltv`, `is_subscribed?` -> `is_subscribed`, `user.name` -> `user_name`,
 * `AppVersionCode` -> `app_version_code`, `Prénom` -> `prenom`.
 */
export function suggestDataKey(header: string): string {
  const words = header
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2') // camelCase -> camel_Case
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2'); // HTMLPage -> HTML_Page
  let key = foldLetters(words)
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '');
  if (key.length > MAX_DATA_KEY_LENGTH) {
    key = key.slice(0, MAX_DATA_KEY_LENGTH).replace(/[_-]+$/, '');
  }
  return key === '' ? 'custom_field' : key;
}
