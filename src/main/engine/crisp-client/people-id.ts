/**
 * A profile is addressed by its people_id or its email, as one path segment. Crisp takes the
 * segment literally (a `+` stays a `+`, crisp-api.md §4), so `@` and `+` are sent raw and every
 * other reserved character is percent-encoded. Characters that would change the shape of the
 * URL for a proxy or router (`/`, `\`, `?`, `#`) or are invisible are refused with a plain
 * message instead of being guessed at. The contact rules refuse such emails at scan time
 * (`crispEmailForm` in src/shared/contact-rules), so a row the check accepts is never refused
 * here: the check and the import agree.
 */
import { CrispRequestError } from './crisp-request-error';

// eslint-disable-next-line no-control-regex
const REFUSED = /[/\\?#\s\u0000-\u001f\u007f]/;

export function encodePeopleId(peopleIdOrEmail: string): string {
  if (peopleIdOrEmail.length === 0) {
    throw new CrispRequestError(
      'invalid_data',
      'The contact has no email or profile id to address it in Crisp.',
    );
  }
  const bad = REFUSED.exec(peopleIdOrEmail);
  if (bad) {
    const shown = /\s/.test(bad[0]) ? 'a space or line break' : `"${bad[0]}"`;
    throw new CrispRequestError(
      'invalid_data',
      `The email "${peopleIdOrEmail}" contains ${shown}, which Crisp cannot take in an address. Fix the email in the file.`,
    );
  }
  return encodeURIComponent(peopleIdOrEmail).replace(/%40/g, '@').replace(/%2B/gi, '+');
}
