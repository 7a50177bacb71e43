// `crisp-import sandbox`: starts the fake Crisp server on loopback and prints how to use it.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { z } from 'zod';
import { startSandboxCrisp, type FakeCrisp } from '../../main/engine/fake-crisp';
import { wholeNumber } from '../cli-options';
import { CliError } from '../exit-codes';

const SandboxArgs = z.object({
  port: wholeNumber('--port', 0, 65_535),
  seed: wholeNumber('--seed', 0, 100_000),
  quota: wholeNumber('--quota', 1, 100_000_000).optional(),
  rate: wholeNumber('--rate', 1, 100_000).optional(),
  tier: z.enum(['website', 'plugin'], { message: '--tier must be website or plugin' }),
  json: z.boolean().optional(),
  log: z.boolean().optional(),
  failingEmail: z
    .array(
      z
        .string()
        .regex(
          /^[^\s=]+@[^\s=]+(=[1-5]\d\d)?$/,
          '--failing-email takes an email, optionally with =status (jane@example.com=503)',
        ),
    )
    .optional(),
  failingFor: wholeNumber('--failing-for', 1, 86_400).optional(),
});
type SandboxArgs = z.infer<typeof SandboxArgs>;

function parseArgs(raw: unknown): SandboxArgs {
  const parsed = SandboxArgs.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(parsed.error.issues.map((issue) => issue.message).join('; '));
  }
  return parsed.data;
}

function describe(crisp: FakeCrisp, args: SandboxArgs): string {
  const { identifier, key, tier } = crisp.token;
  const contacts = crisp.listProfiles().map((profile) => profile.email);
  const shown = contacts.slice(0, 5).join(', ') + (contacts.length > 5 ? ', …' : '');
  return [
    'Fake Crisp server running (sandbox: nothing is sent to Crisp).',
    `  API URL:            ${crisp.url}`,
    `  Website id:         ${crisp.websiteId}`,
    `  Token identifier:   ${identifier}`,
    `  Token key:          ${key}`,
    `  Token tier:         ${tier}`,
    `  Existing contacts:  ${contacts.length}${contacts.length > 0 ? ` (${shown})` : ''}`,
    `  Daily quota:        ${args.quota === undefined ? 'none' : `${args.quota} requests`}`,
    `  Rate limit:         ${args.rate === undefined ? 'none' : `${args.rate} requests/s per route`}`,
    '',
    'Try it:',
    `  CRISP_IDENTIFIER=${identifier} CRISP_KEY=${key} CRISP_TIER=${tier} npx crisp-import run contacts.csv --website ${crisp.websiteId} --api-url ${crisp.url}`,
    '',
    'Press Ctrl-C to stop. The contacts live in memory only and are gone when it stops.',
    '',
  ].join('\n');
}

/** `email=status` (default 503) as the fake's faults.failingEmails. */
function failingEmails(given: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of given) {
    const [email, status] = item.split('=');
    out[email!.toLowerCase()] = status ? Number(status) : 503;
  }
  return out;
}

/** Resolves on Ctrl-C (SIGINT) or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function runSandbox(raw: unknown): Promise<void> {
  const args = parseArgs(raw);
  let crisp: FakeCrisp;
  try {
    crisp = await startSandboxCrisp({
      port: args.port,
      existingContacts: args.seed,
      dailyQuota: args.quota ?? null,
      ratePerSecond: args.rate ?? null,
      config: {
        tokens: [
          { identifier: randomUUID(), key: randomBytes(32).toString('hex'), tier: args.tier },
        ],
        faults: { failingEmails: failingEmails(args.failingEmail ?? []) },
      },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        `Port ${args.port} is already in use. Choose another with --port, or 0 for any free port.`,
      );
    }
    throw error;
  }
  if (args.failingFor !== undefined && (args.failingEmail ?? []).length > 0) {
    // The failing emails fail for a while only (the first run), then pass (a retry).
    setTimeout(() => crisp.configure({ faults: { failingEmails: {} } }), args.failingFor * 1000);
  }
  if (args.log) {
    crisp.onRequest((entry) => {
      process.stderr.write(
        `${new Date(entry.at).toISOString()} ${entry.route} -> ${entry.status}${entry.reason ? ` ${entry.reason}` : ''}${entry.outcome === 'answered' ? '' : ` (${entry.outcome})`}\n`,
      );
    });
  }
  if (args.json) {
    process.stdout.write(
      `${JSON.stringify({ url: crisp.url, websiteId: crisp.websiteId, token: crisp.token, existingContacts: crisp.listProfiles().length })}\n`,
    );
  } else {
    process.stdout.write(describe(crisp, args));
  }
  await untilStopped();
  await crisp.close();
  if (!args.json) process.stdout.write('Fake Crisp server stopped.\n');
}

/** Registers `crisp-import sandbox`. */
export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description(
      'Start a fake Crisp server on this machine (127.0.0.1) to try imports without a Crisp account. Runs until Ctrl-C.',
    )
    .option('--port <number>', 'port to listen on (0 = any free port)', '0')
    .option('--seed <number>', 'how many demo contacts already exist', '5')
    .option('--quota <number>', 'daily request quota of the token (default: none)')
    .option(
      '--rate <number>',
      'rate limit in requests per second per route, answered 429 with Retry-After (default: none)',
    )
    .option('--tier <tier>', 'token kind: website or plugin', 'website')
    .option('--json', 'print the URL, website id and token as one JSON line')
    .option('--log', 'print each request to stderr')
    .option(
      '--failing-email <email[=status]>',
      'writes naming this email fail with this status (default 503; a 4xx is a refusal), to try retrying failed rows; repeat for more',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--failing-for <seconds>', 'the failing emails pass again after this long')
    .action(async (options: Record<string, unknown>) => {
      await runSandbox(options);
    });
}
