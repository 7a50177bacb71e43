/**
 * Keeps the token key out of every text this app stores or shows. A server (or a proxy before
 * it) may repeat the request's Authorization header in an error; the text of that error then
 * travels to a failed row's reason, the journal, job.json, summary.json and the terminal.
 *
 * `redactSecrets` replaces with `[hidden]`:
 * - every form of a token this process has used (`rememberCrispToken`, called by CrispClient):
 *   the key, `identifier:key`, and `identifier:key` in base64 (padded or not, and URL-safe);
 * - whatever looks like one whoever it belongs to: `Basic <base64>`, a base64 run that decodes
 *   to `<identifier>:<64 hex>`, and 64 hex characters (the shape of a Crisp key).
 *
 * The Crisp client redacts every text it takes from an answer (crisp-client.ts); the writers
 * (journal, job.json, summary.json, failed-rows.csv, import.log, the CLI) redact again, in case.
 */

const HIDDEN = '[hidden]';
const BASIC_HEADER = /\bBasic\s+[A-Za-z0-9+/_=-]{8,}/gi;
const KEY_SHAPE = /\b[0-9a-fA-F]{64}\b/g;
/** Long enough to hold base64("<uuid>:<64 hex>") without its end (101 bytes: 136 characters). */
const BASE64_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
/** The shortest secret worth hiding (shorter strings would hide ordinary words). */
const MIN_SECRET_LENGTH = 8;

/** Every form of the tokens used by this process, longest first. */
const knownForms: string[] = [];

/** The forms in which a token can appear in a text. */
export function secretForms(identifier: string, key: string): string[] {
  const pair = `${identifier}:${key}`;
  const forms = new Set<string>([key, pair]);
  for (const text of [pair, key]) {
    const base64 = Buffer.from(text, 'utf8').toString('base64');
    forms.add(base64);
    forms.add(base64.replace(/=+$/, ''));
    forms.add(Buffer.from(text, 'utf8').toString('base64url'));
  }
  forms.add(encodeURIComponent(key));
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/** Remembers a token so that `redactSecrets` hides it from every text in this process. */
export function rememberCrispToken(identifier: string, key: string): void {
  let added = false;
  for (const form of secretForms(identifier, key)) {
    if (knownForms.includes(form)) continue;
    knownForms.push(form);
    added = true;
  }
  if (added) knownForms.sort((a, b) => b.length - a.length);
}

/** `text` with every secret (remembered, given in `extra`, or secret-shaped) replaced by [hidden]. */
export function redactSecrets(text: string, extra: readonly string[] = []): string {
  let out = text;
  const secrets = extra.length === 0 ? knownForms : [...knownForms, ...extra];
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) {
      out = out.split(secret).join(HIDDEN);
    }
  }
  out = out.replace(BASIC_HEADER, `Basic ${HIDDEN}`);
  out = out.replace(BASE64_RUN, (run) => (decodesToToken(run) ? HIDDEN : run));
  return out.replace(KEY_SHAPE, HIDDEN);
}

/** A base64 run (standard or URL-safe, maybe cut) that holds `<identifier>:<64 hex>`. */
function decodesToToken(run: string): boolean {
  const decoded = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString(
    'latin1',
  );
  return /^[\x21-\x7e]{1,200}:[0-9a-fA-F]{40,}/.test(decoded);
}
