// The sandbox: `crisp-import sandbox` as a real process, and startSandboxCrisp() for the app.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSandboxCrisp } from '../../src/main/engine/fake-crisp';

const BIN = fileURLToPath(new URL('../../bin/crisp-import.mjs', import.meta.url));

function startCli(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, [BIN, 'sandbox', ...args], { stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function basic(identifier: string, key: string): string {
  return `Basic ${Buffer.from(`${identifier}:${key}`).toString('base64')}`;
}

describe('crisp-import sandbox', () => {
  it('prints a URL, website id and token that work, with demo contacts, and stops on Ctrl-C', async () => {
    const cli = startCli(['--seed', '3', '--tier', 'plugin']);
    try {
      await waitFor(() => cli.stdout().includes('Press Ctrl-C'), 'the sandbox banner');
      const out = cli.stdout();
      const url = /API URL:\s+(\S+)/.exec(out)?.[1] ?? '';
      const websiteId = /Website id:\s+(\S+)/.exec(out)?.[1] ?? '';
      const identifier = /Token identifier:\s+(\S+)/.exec(out)?.[1] ?? '';
      const key = /Token key:\s+(\S+)/.exec(out)?.[1] ?? '';
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(out).toContain('Token tier:         plugin');
      expect(out).toContain(
        `CRISP_IDENTIFIER=${identifier} CRISP_KEY=${key} CRISP_TIER=plugin npx crisp-import run contacts.csv --website ${websiteId} --api-url ${url}`,
      );

      const response = await fetch(`${url}/v1/website/${websiteId}/people/stats`, {
        headers: { Authorization: basic(identifier, key), 'X-Crisp-Tier': 'plugin' },
      });
      expect(await response.json()).toEqual({
        error: false,
        reason: 'resolved',
        data: { total: 3 },
      });

      cli.child.kill('SIGINT');
      expect(await cli.exit).toBe(0);
      expect(cli.stdout()).toContain('Fake Crisp server stopped.');
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('prints one JSON line with --json and applies --quota', async () => {
    const cli = startCli(['--json', '--seed', '0', '--quota', '2']);
    try {
      await waitFor(() => cli.stdout().includes('\n'), 'the JSON line');
      const info = JSON.parse(cli.stdout().split('\n')[0] ?? '') as {
        url: string;
        websiteId: string;
        token: { identifier: string; key: string; tier: string };
        existingContacts: number;
      };
      expect(info.existingContacts).toBe(0);
      const statuses = [];
      for (let index = 0; index < 3; index += 1) {
        const response = await fetch(`${info.url}/v1/website/${info.websiteId}/people/stats`, {
          headers: {
            Authorization: basic(info.token.identifier, info.token.key),
            'X-Crisp-Tier': info.token.tier,
          },
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([200, 200, 429]);
      cli.child.kill('SIGTERM');
      expect(await cli.exit).toBe(0);
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('refuses a bad option with a plain message and exit code 2', async () => {
    const cli = startCli(['--rate', 'fast']);
    expect(await cli.exit).toBe(2);
    expect(cli.stderr()).toContain('--rate must be a whole number');
  });
});

describe('startSandboxCrisp', () => {
  it('starts with five demo contacts that already exist', async () => {
    const crisp = await startSandboxCrisp();
    try {
      const contacts = crisp.listProfiles();
      expect(contacts).toHaveLength(5);
      expect(contacts[0]).toMatchObject({
        email: 'ada.lovelace@analytical.example',
        person: { nickname: 'Ada Lovelace' },
      });
      expect(new Set(contacts.map((contact) => contact.email)).size).toBe(5);
      const response = await fetch(`${crisp.url}/v1/website/${crisp.websiteId}/people/profile`, {
        method: 'POST',
        headers: {
          Authorization: basic(crisp.token.identifier, crisp.token.key),
          'X-Crisp-Tier': 'website',
        },
        body: JSON.stringify({
          email: 'Ada.Lovelace@analytical.example',
          person: { nickname: 'Ada' },
        }),
      });
      expect(response.status).toBe(409);
      expect(crisp.quotaUsed()).toBe(1);
    } finally {
      await crisp.close();
    }
  });

  it('gives distinct emails to many demo contacts', async () => {
    const crisp = await startSandboxCrisp({ existingContacts: 40 });
    try {
      expect(new Set(crisp.listProfiles().map((contact) => contact.email)).size).toBe(40);
    } finally {
      await crisp.close();
    }
  });
});
