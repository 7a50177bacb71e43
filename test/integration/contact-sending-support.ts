/** Shared set-up of the contact-sending integration tests: a fake Crisp on loopback and contacts. */
import type { ContactProfile } from '../../src/shared/contact-profile';
import { CrispClient, type CrispClientOptions } from '../../src/main/engine/crisp-client';
import {
  ContactSender,
  RateController,
  type ContactOutcome,
  type ContactSenderOptions,
} from '../../src/main/engine/contact-sending';
import {
  startFakeCrisp,
  type FakeCrisp,
  type FakeCrispConfigPatch,
} from '../../src/main/engine/fake-crisp';

export async function fakeCrisp(config: FakeCrispConfigPatch = {}): Promise<FakeCrisp> {
  return startFakeCrisp(config);
}

export function clientFor(crisp: FakeCrisp, options: CrispClientOptions = {}): CrispClient {
  return new CrispClient(
    { apiUrl: crisp.url, websiteId: crisp.websiteId, ...crisp.token },
    { timeoutMs: 2_000, ...options },
  );
}

export function senderFor(
  crisp: FakeCrisp,
  options: Partial<ContactSenderOptions> & { timeoutMs?: number } = {},
): ContactSender {
  const { timeoutMs, ...rest } = options;
  return new ContactSender(clientFor(crisp, timeoutMs ? { timeoutMs } : {}), {
    emptyCells: 'clear',
    rate: new RateController({ initialRate: 200 }),
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    staleReadDelaysMs: [100, 300, 600],
    ...rest,
  });
}

export function contact(email: string, overrides: Partial<ContactProfile> = {}): ContactProfile {
  return {
    email,
    nickname: `Name ${email.split('@')[0]}`,
    nicknameSource: 'full_name',
    person: {},
    company: {},
    segments: [],
    data: {},
    clearedDataKeys: [],
    ...overrides,
  };
}

/** Sends all contacts with up to `inFlight` at once; outcomes in input order. */
export async function sendAll(
  sender: ContactSender,
  contacts: ContactProfile[],
  inFlight = 16,
): Promise<ContactOutcome[]> {
  const outcomes: ContactOutcome[] = new Array(contacts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < contacts.length) {
      const index = next++;
      const item = contacts[index];
      if (item) outcomes[index] = await sender.send(item);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return outcomes;
}

/** Requests the fake server saw, per contact. */
export function requestsPerContact(crisp: FakeCrisp, contacts: number): number {
  return crisp.requestLog().length / contacts;
}

export function waitForState(
  sender: ContactSender,
  test: (state: ContactSender['state']) => boolean,
  timeoutMs = 10_000,
): Promise<ContactSender['state']> {
  return new Promise((resolve, reject) => {
    if (test(sender.state)) {
      resolve(sender.state);
      return;
    }
    const timer = setTimeout(() => {
      sender.off('state', listener);
      reject(new Error(`sender state stayed ${JSON.stringify(sender.state)}`));
    }, timeoutMs);
    const listener = (state: ContactSender['state']): void => {
      if (!test(state)) return;
      clearTimeout(timer);
      sender.off('state', listener);
      resolve(state);
    };
    sender.on('state', listener);
  });
}
