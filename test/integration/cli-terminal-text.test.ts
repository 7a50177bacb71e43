// Column names, cells and file names reach the terminal without control characters or escape
// sequences: a header holding ESC[2J (clear the screen), an OSC 8 link, a bell, a carriage
// return or a right-to-left override (in a quoted name), in a file whose own name holds ESC[31m, is printed as
// plain text by `scan`, `run` and `jobs show`.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { terminalText } from '../../src/cli/terminal-text';
import { spawnCli } from './reliability-support';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-terminal-text-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HOSTILE_HEADER =
  'Name\x1b[2J\x1b[H,email,Site\x1b]8;;https://evil.example\x07click\x1b]8;;\x07,"Notes\x07\r\u202eevil"';
/** Any control character but the line feed, DEL, the C1 range and bidirectional overrides. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

function expectPlain(text: string, what: string): void {
  const at = text.search(UNSAFE);
  expect(at, `${what}: ${JSON.stringify(text.slice(Math.max(0, at - 20), at + 20))}`).toBe(-1);
}

describe('text printed to a terminal', () => {
  it('strips escape sequences and control characters, and keeps the words', () => {
    expect(terminalText('Name\x1b[2J\x1b[31mRed\x1b[0m \x1b]52;c;ZXZpbA==\x07ok')).toBe(
      'NameRed ok',
    );
    expect(terminalText('a\tb\rc\x08d\u202ee\x9b2Jf')).toBe('a b cdef');
    expect(terminalText('one\ntwo', 'keep')).toBe('one\ntwo');
    expect(terminalText('one\ntwo')).toBe('one two');
  });

  it('scan, run and jobs show print a hostile header and file name as plain text', async () => {
    const file = join(dir, 'contacts\x1b[31m.csv');
    // Enough plain rows around them that the file reads as text, not as binary data.
    let plain = '';
    for (let i = 0; i < 60; i++) plain += `Person ${i},person${i}@example.com,site,a plain note\n`;
    await writeFile(
      file,
      `${HOSTILE_HEADER}\nAda,ada@example.com,\x1b[2Jhi,x\nBad,not-an-email\x1b[5m,x,y\n${plain}`,
    );
    const scan = await spawnCli(['scan', file], null).done;
    expect(scan.code, scan.stderr).toBe(1);
    expectPlain(scan.stdout + scan.stderr, 'scan');
    // The words stay; the link's address and the screen codes go.
    expect(scan.stdout).toContain('File: ' + join(dir, 'contacts.csv'));
    expect(scan.stdout).toMatch(/ {2}Siteclick +-> /);
    expect(scan.stdout).toContain('Notes evil');
    expect(scan.stdout).not.toContain('evil.example');

    const stateDir = join(dir, 'state');
    const website = '8c842203-7ed8-4e29-a608-7cf78a7d2fcc';
    const run = await spawnCli(
      ['run', file, '--website', website, '--state-dir', stateDir, '--dry-run'],
      null,
    ).done;
    expect(run.code, run.stderr).toBe(1);
    expectPlain(run.stdout + run.stderr, 'run');
    expect(run.stdout).toContain(join(dir, 'contacts.csv'));

    const id = /Import (\S+) begins/.exec(run.stdout)?.[1];
    expect(id, run.stdout).toBeDefined();
    const show = await spawnCli(['jobs', 'show', id!, '--state-dir', stateDir], null).done;
    expect(show.code, show.stderr).toBe(0);
    expectPlain(show.stdout + show.stderr, 'jobs show');
  }, 20_000);
});
