/**
 * "Test connection": one cheap request (GET people/stats) that tells, in plain words, whether a
 * token works for a website, and if not, what is wrong and what to do next. Only when the token
 * is refused does it make a second request, with the other token kind, to tell a wrong key from
 * a wrong kind (Crisp may answer both with the same 401).
 */
import { CrispClient, CrispRequestError } from '../crisp-client';
import { DEFAULT_CRISP_API_URL, type CrispConnection, type CrispTier } from './crisp-connection';

export type ConnectionProblem =
  'wrong_key' | 'wrong_tier' | 'website_not_bound' | 'no_network' | 'quota' | 'server' | 'unknown';

export type ConnectionTestResult =
  | {
      ok: true;
      message: string;
      /** Profiles in the website, as Crisp counts them. */ contacts?: number;
    }
  | { ok: false; problem: ConnectionProblem; message: string };

export interface TestConnectionOptions {
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

const WHERE_WEBSITE_TOKEN = 'Crisp: Settings > Workspace Settings > Advanced configuration';
const WHERE_PLUGIN_TOKEN = 'the Crisp Marketplace: your plugin > Tokens';
const WHERE_WEBSITE_ID = 'Crisp: Settings > Website Settings > Setup Instructions';

const TIER_WORDS: Record<CrispTier, string> = { website: 'website token', plugin: 'plugin token' };

/**
 * Tests a connection. Never throws: every outcome is a result with a plain message. The message
 * never contains the key.
 */
export async function testCrispConnection(
  connection: CrispConnection,
  options: TestConnectionOptions = {},
): Promise<ConnectionTestResult> {
  const apiUrl = connection.apiUrl || DEFAULT_CRISP_API_URL;
  const clientOptions = { timeoutMs: options.timeoutMs ?? 10_000 };
  const requestOptions = options.signal ? { signal: options.signal } : {};
  let client: CrispClient;
  try {
    client = new CrispClient({ ...connection, apiUrl }, clientOptions);
  } catch (error) {
    return { ok: false, problem: 'unknown', message: plainMessage(error) };
  }
  try {
    const answer = await client.getStats(requestOptions);
    const total = answer.data.total;
    return {
      ok: true,
      contacts: total,
      message: `Connected: Crisp accepted the ${TIER_WORDS[connection.tier]} for website ${connection.websiteId} (${total} ${total === 1 ? 'contact' : 'contacts'} in it).`,
    };
  } catch (error) {
    if (!(error instanceof CrispRequestError)) {
      return { ok: false, problem: 'unknown', message: plainMessage(error) };
    }
    if (
      error.kind === 'auth' ||
      (error.kind === 'forbidden' && error.reason === 'restricted_route_tier')
    ) {
      const otherTier: CrispTier = connection.tier === 'website' ? 'plugin' : 'website';
      if (await acceptedAs(connection, apiUrl, otherTier, clientOptions, requestOptions)) {
        return {
          ok: false,
          problem: 'wrong_tier',
          message: `This key is a ${TIER_WORDS[otherTier]}, but it was given as a ${TIER_WORDS[connection.tier]}. Choose "${otherTier}" as the token kind and try again.`,
        };
      }
      if (error.kind === 'forbidden') {
        return {
          ok: false,
          problem: 'wrong_tier',
          message: `Crisp does not let a ${TIER_WORDS[connection.tier]} read contacts (${error.reason}). Use a website token (${WHERE_WEBSITE_TOKEN}) or a plugin token with the people scopes.`,
        };
      }
      return { ok: false, problem: 'wrong_key', message: wrongKeyMessage(connection.tier) };
    }
    return describeFailure(error, connection, apiUrl);
  }
}

async function acceptedAs(
  connection: CrispConnection,
  apiUrl: string,
  tier: CrispTier,
  clientOptions: { timeoutMs: number },
  requestOptions: { signal?: AbortSignal },
): Promise<boolean> {
  try {
    await new CrispClient({ ...connection, apiUrl, tier }, clientOptions).getStats(requestOptions);
    return true;
  } catch (error) {
    // Anything but "refused" means the token itself was recognised with that kind.
    return (
      error instanceof CrispRequestError &&
      error.kind !== 'auth' &&
      error.kind !== 'network' &&
      error.kind !== 'timeout' &&
      error.kind !== 'aborted' &&
      error.kind !== 'server' &&
      !(error.kind === 'forbidden' && error.reason === 'restricted_route_tier')
    );
  }
}

function wrongKeyMessage(tier: CrispTier): string {
  const where = tier === 'website' ? WHERE_WEBSITE_TOKEN : WHERE_PLUGIN_TOKEN;
  return `The key was refused. Check the token identifier and key in ${where}.`;
}

function describeFailure(
  error: CrispRequestError,
  connection: CrispConnection,
  apiUrl: string,
): ConnectionTestResult {
  const status =
    error.status !== undefined
      ? ` (HTTP ${error.status}${error.reason ? `, ${error.reason}` : ''})`
      : '';
  switch (error.kind) {
    case 'not_subscribed':
      return {
        ok: false,
        problem: 'website_not_bound',
        message:
          connection.tier === 'plugin'
            ? `Website ${connection.websiteId} is not linked to this plugin token. Install the plugin on that website in Crisp, or check the website id (${WHERE_WEBSITE_ID}).`
            : `Website ${connection.websiteId} does not belong to this token. Check the website id (${WHERE_WEBSITE_ID}), or use the token of that website.`,
      };
    case 'not_found':
      if (error.reason === 'not_found') {
        return {
          ok: false,
          problem: 'unknown',
          message: `${apiUrl} does not answer like the Crisp API${status}. Check the API address (normally ${DEFAULT_CRISP_API_URL}).`,
        };
      }
      return {
        ok: false,
        problem: 'website_not_bound',
        message: `Crisp does not know website ${connection.websiteId}${status}. Check the website id (${WHERE_WEBSITE_ID}).`,
      };
    case 'forbidden':
      return {
        ok: false,
        problem: 'unknown',
        message: `Crisp does not let this token read contacts${status}. For a plugin token, check that it has the people scopes (website:people:profiles); otherwise check your Crisp plan.`,
      };
    case 'network':
    case 'timeout':
      return {
        ok: false,
        problem: 'no_network',
        message: `${error.message} (${apiUrl}). Check your internet connection, proxy or firewall, then try again.`,
      };
    case 'rate_limited':
    case 'quota':
      return {
        ok: false,
        problem: 'quota',
        message: `Crisp is refusing more requests from this token for now${status}: its daily quota is spent or too many requests were sent. Try again later; the quota resets every day.`,
      };
    case 'server':
      return {
        ok: false,
        problem: 'server',
        message: `Crisp had a problem answering${status}. This is on Crisp's side: try again in a few minutes.`,
      };
    default:
      return { ok: false, problem: 'unknown', message: error.message };
  }
}

function plainMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return `The connection could not be tested: ${text}`;
}
