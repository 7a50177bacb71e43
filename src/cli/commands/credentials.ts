// `crisp-import login | logout | status`: the Crisp token of each website, kept in the OS keychain.
// The key is read from a hidden prompt (terminal) or standard input (pipe), tested with one cheap
// request, then saved. Nothing here ever prints or writes the key.
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  forgetConnection,
  loadAppSettings,
  rememberConnection,
  resolveStateDir,
  updateAppSettings,
  type SavedConnection,
} from '../../main/engine/app-settings';
import {
  CREDENTIAL_ENV,
  CrispApiUrl,
  CrispTier,
  DEFAULT_CRISP_API_URL,
  KeychainUnavailableError,
  TokenIdentifier,
  TokenKey,
  WebsiteId,
  credentialsFromEnvironment,
  deleteCrispCredentials,
  firstIssue,
  keychainService,
  listSavedWebsites,
  maskIdentifier,
  resolveCrispConnection,
  saveCrispCredentials,
  testCrispConnection,
  type ConnectionProblem,
  type ConnectionTestResult,
  type SavedWebsite,
} from '../../main/engine/credentials';
import { CliError, EXIT } from '../exit-codes';
import { terminalText } from '../terminal-text';

/** Standard input longer than this is not a token. */
const MAX_STDIN_BYTES = 64 * 1024;

const TIER_WORDS: Record<CrispTier, string> = { website: 'website token', plugin: 'plugin token' };

function parseOption<S extends z.ZodType>(schema: S, value: unknown, option: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CliError(`${option}: ${firstIssue(parsed.error)}.`);
  return parsed.data;
}

const Tier = z.string().transform((text, ctx) => {
  const tier = CrispTier.safeParse(text.trim().toLowerCase());
  if (!tier.success) {
    ctx.addIssue({ code: 'custom', message: 'the token kind must be "website" or "plugin"' });
    return z.NEVER;
  }
  return tier.data;
});

const LoginOptions = z.object({
  website: z.string(),
  identifier: z.string().optional(),
  tier: z.string().default('website'),
  apiUrl: z.string().optional(),
  label: z.string().max(100, 'the label is too long (100 characters at most)').optional(),
  test: z.boolean().default(true),
});

const LogoutOptions = z.object({ website: z.string() });

const StatusOptions = z.object({
  website: z.string().optional(),
  json: z.boolean().default(false),
  test: z.boolean().default(false),
});

// ---------------------------------------------------------------------------------------------
// Reading the identifier and key

/** Reads all of standard input (a pipe or a file), bounded. */
async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) {
      throw new CliError(
        'Standard input is too long to be a token. Pipe only the key (or the identifier and the key, one per line).',
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks a question on the terminal, showing what is typed (for the identifier, not secret). */
async function promptVisible(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await new Promise<string>((resolve, reject) => {
      rl.once('SIGINT', () => reject(new CliError('Cancelled; nothing was saved.')));
      rl.once('close', () => resolve(''));
      rl.question(question, resolve);
    });
  } finally {
    rl.close();
  }
}

/** Asks for a secret on the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string): void => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new CliError('Cancelled; nothing was saved.'));
          return;
        }
        if (char === '\u007f' || char === '\b') {
          value = Array.from(value).slice(0, -1).join('');
        } else if (char >= ' ') {
          value += char;
        }
      }
    };
    stdin.on('data', onData);
  });
}

interface TypedToken {
  identifier: string;
  key: string;
}

/**
 * The identifier (unless given) and the key: from prompts on a terminal, else from standard input
 * (the key alone, or the identifier then the key on two lines).
 */
async function readToken(givenIdentifier: string | undefined): Promise<TypedToken> {
  let identifierText = givenIdentifier;
  let keyText: string;
  if (process.stdin.isTTY) {
    identifierText ??= await promptVisible('Token identifier: ');
    keyText = await promptHidden('Token key (not shown): ');
  } else {
    const lines = (await readStandardInput())
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line !== '');
    if (identifierText === undefined) {
      if (lines.length !== 2) {
        throw new CliError(
          lines.length === 0
            ? 'No token was given. Pipe the identifier and the key on two lines of standard input, or give --identifier and pipe the key.'
            : `Standard input must hold the token identifier and the key on two lines (it has ${lines.length} ${lines.length === 1 ? 'line' : 'lines'}). Or give --identifier and pipe only the key.`,
        );
      }
      [identifierText, keyText] = lines as [string, string];
    } else {
      if (lines.length !== 1) {
        throw new CliError(
          lines.length === 0
            ? 'No key was given. Pipe it on standard input (for example: printenv CRISP_KEY | crisp-import login ...), or run the command in a terminal to be asked for it.'
            : `Standard input must hold only the key, on one line (it has ${lines.length} lines).`,
        );
      }
      keyText = lines[0] as string;
    }
  }
  const identifier = parseOption(TokenIdentifier, identifierText ?? '', 'Token identifier');
  const key = TokenKey.safeParse(keyText);
  // The zod messages never repeat the value, so the key cannot leak through them.
  if (!key.success) throw new CliError(`Token key: ${firstIssue(key.error)}.`);
  return { identifier, key: key.data };
}

// ---------------------------------------------------------------------------------------------
// Commands

function keychainError(error: unknown): never {
  if (error instanceof KeychainUnavailableError) throw new CliError(error.message);
  throw error;
}

/** Failed test problems that are on the user's side (exit 2) or temporary (exit 3). */
const TEMPORARY_PROBLEMS: ReadonlySet<ConnectionProblem> = new Set([
  'no_network',
  'quota',
  'server',
]);

async function login(raw: unknown): Promise<void> {
  const options = parseOption(LoginOptions, raw, 'login');
  const websiteId = parseOption(WebsiteId, options.website, '--website');
  const tier = parseOption(Tier, options.tier, '--tier');
  const apiUrl =
    options.apiUrl === undefined
      ? DEFAULT_CRISP_API_URL
      : parseOption(CrispApiUrl, options.apiUrl, '--api-url');
  const label = options.label?.trim() || undefined;
  const token = await readToken(options.identifier);

  if (options.test) {
    const result = await testCrispConnection({ ...token, tier, websiteId, apiUrl });
    if (!result.ok) {
      const hint = TEMPORARY_PROBLEMS.has(result.problem)
        ? ' Try again later, or add --no-test to save it without testing.'
        : '';
      throw new CliError(
        `Not saved. ${result.message}${hint}`,
        TEMPORARY_PROBLEMS.has(result.problem) ? EXIT.paused : EXIT.usage,
      );
    }
    process.stdout.write(`${terminalText(result.message)}\n`);
  }

  await saveCrispCredentials(
    websiteId,
    apiUrl === DEFAULT_CRISP_API_URL ? { ...token, tier } : { ...token, tier, apiUrl },
  ).catch(keychainError);
  const connection: SavedConnection = { websiteId, tier };
  if (label !== undefined) connection.label = label;
  if (apiUrl !== DEFAULT_CRISP_API_URL) connection.apiUrl = apiUrl;
  const saved = await updateAppSettings(resolveStateDir(), (settings) =>
    rememberConnection(settings, connection),
  );
  if (saved.notice) process.stderr.write(`${saved.notice}\n`);
  process.stdout.write(
    `Saved the ${TIER_WORDS[tier]} (${maskIdentifier(token.identifier)}) for website ${websiteId} in the system keychain${options.test ? '' : ' without testing it'}.\n`,
  );
  if (credentialsFromEnvironmentSafe().set) {
    process.stdout.write(
      `Note: ${CREDENTIAL_ENV.identifier} and ${CREDENTIAL_ENV.key} are set in this environment; they are used instead of the saved key while they are set.\n`,
    );
  }
}

async function logout(raw: unknown): Promise<void> {
  const options = parseOption(LogoutOptions, raw, 'logout');
  const websiteId = parseOption(WebsiteId, options.website, '--website');
  const removed = await deleteCrispCredentials(websiteId).catch(keychainError);
  const saved = await updateAppSettings(resolveStateDir(), (settings) =>
    forgetConnection(settings, websiteId),
  );
  if (saved.notice) process.stderr.write(`${saved.notice}\n`);
  process.stdout.write(
    removed
      ? `Removed the saved key for website ${websiteId} from the system keychain.\n`
      : `No key was saved for website ${websiteId}; nothing to remove.\n`,
  );
  if (credentialsFromEnvironmentSafe().set) {
    process.stdout.write(
      `Note: ${CREDENTIAL_ENV.identifier} and ${CREDENTIAL_ENV.key} are still set in this environment and will still be used.\n`,
    );
  }
}

interface EnvironmentStatus {
  /** CRISP_IDENTIFIER or CRISP_KEY is set (even if wrong). */
  set: boolean;
  identifier: boolean;
  key: boolean;
  tier: CrispTier | null;
  apiUrl: string | null;
  /** What is wrong with the variables, if anything. */
  problem: string | null;
}

function credentialsFromEnvironmentSafe(env: NodeJS.ProcessEnv = process.env): EnvironmentStatus {
  const isSet = (name: string): boolean => (env[name] ?? '').trim() !== '';
  const status: EnvironmentStatus = {
    set: isSet(CREDENTIAL_ENV.identifier) || isSet(CREDENTIAL_ENV.key),
    identifier: isSet(CREDENTIAL_ENV.identifier),
    key: isSet(CREDENTIAL_ENV.key),
    tier: null,
    apiUrl: null,
    problem: null,
  };
  try {
    const credentials = credentialsFromEnvironment(env);
    if (credentials) status.tier = credentials.tier;
  } catch (error) {
    status.problem = (error as Error).message;
  }
  if (isSet(CREDENTIAL_ENV.apiUrl)) {
    const url = CrispApiUrl.safeParse(env[CREDENTIAL_ENV.apiUrl]);
    if (url.success) status.apiUrl = url.data;
    else status.problem ??= `${CREDENTIAL_ENV.apiUrl} is not valid: ${firstIssue(url.error)}.`;
  }
  return status;
}

interface WebsiteStatus {
  websiteId: string;
  label: string | null;
  /** A key is saved in the keychain for this website. */
  saved: boolean;
  /** The saved entry could not be read back. */
  damaged: boolean;
  /** Kind of the saved token (the environment's is in `environment.tier`). */
  tier: CrispTier | null;
  /** Shortened, never in full. */
  identifier: string | null;
  apiUrl: string;
  /** Where the token used for this website comes from now. */
  source: 'environment' | 'keychain' | null;
  test?: ConnectionTestResult;
}

async function status(raw: unknown): Promise<void> {
  const options = parseOption(StatusOptions, raw, 'status');
  const only =
    options.website === undefined
      ? undefined
      : parseOption(WebsiteId, options.website, '--website');
  const stateDir = resolveStateDir();
  const { settings, notice } = await loadAppSettings(stateDir);
  if (notice) process.stderr.write(`${notice}\n`);
  const environment = credentialsFromEnvironmentSafe();
  const envUsable = environment.set && environment.problem === null;

  let keychainProblem: string | null = null;
  let saved: Array<SavedWebsite | { websiteId: string; damaged: true }> = [];
  try {
    saved = await listSavedWebsites();
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    keychainProblem = error.message;
  }

  const ids = new Set<string>([
    ...saved.map((w) => w.websiteId),
    ...settings.connections.map((c) => c.websiteId),
  ]);
  if (only !== undefined) {
    ids.clear();
    ids.add(only);
  }
  const websites: WebsiteStatus[] = [...ids].sort().map((websiteId) => {
    const entry = saved.find((w) => w.websiteId === websiteId);
    const remembered = settings.connections.find((c) => c.websiteId === websiteId);
    const good = entry && !('damaged' in entry) ? entry : undefined;
    return {
      websiteId,
      label: remembered?.label ?? null,
      saved: entry !== undefined,
      damaged: entry !== undefined && 'damaged' in entry,
      tier: good?.tier ?? null,
      identifier: good ? maskIdentifier(good.identifier) : null,
      apiUrl: environment.apiUrl ?? good?.apiUrl ?? remembered?.apiUrl ?? DEFAULT_CRISP_API_URL,
      source: envUsable ? 'environment' : good ? 'keychain' : null,
    };
  });

  if (options.test) {
    for (const website of websites) {
      if (website.source === null) continue;
      try {
        const connection = await resolveCrispConnection({
          websiteId: website.websiteId,
          apiUrl: website.apiUrl,
        });
        website.test = await testCrispConnection(connection);
      } catch (error) {
        website.test = { ok: false, problem: 'unknown', message: (error as Error).message };
      }
    }
  }

  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({
        stateDir,
        keychain: {
          available: keychainProblem === null,
          service: keychainService(),
          problem: keychainProblem,
        },
        environment,
        websites,
      })}\n`,
    );
    return;
  }

  const lines: string[] = [];
  if (keychainProblem) lines.push(`Keychain: not available. ${keychainProblem}`);
  if (environment.set) {
    lines.push(
      environment.problem
        ? `Environment: ${environment.problem}`
        : `Environment: ${CREDENTIAL_ENV.identifier} and ${CREDENTIAL_ENV.key} are set (${TIER_WORDS[environment.tier ?? 'website']}); they are used for every website instead of saved keys.`,
    );
  } else {
    lines.push(
      `Environment: ${CREDENTIAL_ENV.identifier} and ${CREDENTIAL_ENV.key} are not set; saved keys are used.`,
    );
  }
  if (websites.length === 0 && keychainProblem === null) {
    lines.push('No website is logged in. Log in with: crisp-import login --website <id>');
  }
  for (const website of websites) {
    const name = website.label ? `${website.websiteId} (${website.label})` : website.websiteId;
    const where = website.apiUrl === DEFAULT_CRISP_API_URL ? '' : `, API ${website.apiUrl}`;
    let state: string;
    if (website.damaged) {
      state = `the saved key is damaged; log in again: crisp-import login --website ${website.websiteId}`;
    } else if (website.saved) {
      state = `${TIER_WORDS[website.tier ?? 'website']} ${website.identifier ?? ''} saved in the keychain${where}`;
    } else if (website.source === 'environment') {
      state = `no saved key; the environment's token is used${where}`;
    } else {
      state = `no saved key; log in with: crisp-import login --website ${website.websiteId}`;
    }
    lines.push(`Website ${name}: ${state}.`);
    if (website.test) {
      lines.push(`  Test: ${website.test.ok ? 'OK. ' : ''}${website.test.message}`);
    }
  }
  // Labels and Crisp's answers reach the terminal without control characters.
  process.stdout.write(`${terminalText(lines.join('\n'), 'keep')}\n`);
}

/** Registers `login`, `logout` and `status`. */
export function registerCredentialsCommand(program: Command): void {
  program
    .command('login')
    .description(
      'Save the Crisp token of a website in the system keychain. The key is asked for without being shown (or read from standard input when piped), tested, then saved.',
    )
    .requiredOption(
      '--website <id>',
      'website id (Crisp: Settings > Website Settings > Setup Instructions)',
    )
    .option(
      '--identifier <id>',
      'token identifier (else asked for, or read as the first line of standard input)',
    )
    .option('--tier <kind>', 'token kind: website or plugin', 'website')
    .option('--api-url <url>', `Crisp API address (default ${DEFAULT_CRISP_API_URL})`)
    .option('--label <name>', 'a name for this website, shown in the app and in status')
    .option('--no-test', 'save without testing the connection first')
    .addHelpText(
      'after',
      `
Examples:
  crisp-import login --website 8c842203-7ed8-4e29-a608-7cf78a7d2fcc
  printf '%s\\n%s\\n' "$IDENTIFIER" "$KEY" | crisp-import login --website <id>
  printenv CRISP_KEY | crisp-import login --website <id> --identifier <identifier>`,
    )
    .action(async (options: Record<string, unknown>) => {
      await login(options);
    });

  program
    .command('logout')
    .description('Remove the saved Crisp token of a website from the system keychain.')
    .requiredOption('--website <id>', 'website id')
    .action(async (options: Record<string, unknown>) => {
      await logout(options);
    });

  program
    .command('status')
    .description(
      'List the websites with a saved token, their token kind, and whether CRISP_IDENTIFIER / CRISP_KEY are set. Never shows a key.',
    )
    .option('--website <id>', 'only this website')
    .option('--json', 'print one JSON object')
    .option('--test', 'also test each connection (one request each)')
    .action(async (options: Record<string, unknown>) => {
      await status(options);
    });
}
