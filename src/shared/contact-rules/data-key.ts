/**
 * Custom data keys. Crisp's advice: short, lower case, letters, digits, `_` and `-` only
 * (`user_id`, `lifetime_value`, `ltv`); `Company Name`, `$ltv`, `is_subscribed?` and
 * `user.name` are refused. Crisp's CSV help lists `AppVersionCode` as valid, but its API may
 * refuse upper-case keys (the sandbox does; crisp-api.md §5 marks it unconfirmed), and a refused
 * key fails a contact after its profile was written. So an upper-case key is usable in a mapping,
 * with advice, and is always sent in its lower-case form (`sentDataKey`): `app_version_code`.
 *
 * `constructor` and `__proto__` are names every JavaScript object already answers to: a
 * contact's data under such a key would be lost on the way (as it was, silently). They are
 * refused with a message and a fixed-up key (`constructor_field`, `proto`), like any other key
 * Crisp would refuse, so a `data.constructor` column is imported under the fixed-up key, said.
 */
import { foldLetters } from './text-fold';

export const MAX_DATA_KEY_LENGTH = 64;

const VALID_KEY = /^[A-Za-z0-9_-]+$/;
/** Keys sent as they are (the ones Crisp is known to accept). */
const SENT_KEY = /^[a-z0-9_-]+$/;
const UPPER = /[A-Z]/;

/**
 * True for a key that names a property of every JavaScript object (`constructor`, `__proto__`,
 * `toString`…): it cannot be kept apart from the object's own in the engine or, likely, Crisp's.
 */
export function isReservedDataKey(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(Object.prototype, key);
}

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
  if (isReservedDataKey(key) || isReservedDataKey(key.toLowerCase())) {
    const suggestion = suggestDataKey(key);
    return {
      ok: false,
      suggestion,
      message: `“${key}” is a reserved name that cannot be a custom data key (its values would be lost). Use “${suggestion}” instead.`,
    };
  }
  if (key.length > 0 && key.length <= MAX_DATA_KEY_LENGTH && VALID_KEY.test(key)) {
    if (!UPPER.test(key)) return { ok: true };
    const suggestion = suggestDataKey(key);
    return {
      ok: true,
      advice: `Crisp may refuse custom data keys with capital letters, so “${key}” is sent as “${suggestion}”. Use “${suggestion}” to see the key as it will be in Crisp.`,
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
 * The key sent to Crisp for a mapped key: the key itself when Crisp accepts it as it is (lower
 * case, letters, digits, `_` and `-`), else its fixed-up form (`AppVersionCode` ->
 * `app_version_code`). A mapping with a refused key is an error (validateMapping) and is never
 * run; this keeps even such a key from failing a contact halfway.
 */
export function sentDataKey(key: string): string {
  return key.length <= MAX_DATA_KEY_LENGTH && SENT_KEY.test(key) && !isReservedDataKey(key)
    ? key
    : suggestDataKey(key);
}

/**
 * A valid, lower-case key made from a column header: `Company Name` -> `company_name`,
 * `$ltv` -> `ltv`, `is_subscribed?` -> `is_subscribed`, `user.name` -> `user_name`,
 * `AppVersionCode` -> `app_version_code`, `Prénom` -> `prenom`, `constructor` ->
 * `constructor_field` (never a reserved name: isReservedDataKey).
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
  if (key === '') return 'custom_field';
  return isReservedDataKey(key) ? `${key.slice(0, MAX_DATA_KEY_LENGTH - 6)}_field` : key;
}
