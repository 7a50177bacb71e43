/**
 * The `faults.failingEmails` fault: writes that name chosen emails fail with a chosen status
 * (a 5xx that can pass later, or a 4xx refusal that would fail again), so tests can make some
 * rows of an import fail and then retry them.
 */

/** The status to answer a write with, when it names a failing email; null otherwise. */
export function failingEmailStatus(
  failingEmails: Readonly<Record<string, number>>,
  method: string,
  path: string,
  body: string,
): number | null {
  if (method === 'GET' || method === 'HEAD') return null;
  const emails = Object.keys(failingEmails);
  if (emails.length === 0) return null;
  let where: string;
  try {
    where = `${decodeURIComponent(path)}\n${body}`.toLowerCase();
  } catch {
    where = `${path}\n${body}`.toLowerCase();
  }
  for (const email of emails) {
    if (where.includes(email.toLowerCase())) return failingEmails[email] ?? null;
  }
  return null;
}
