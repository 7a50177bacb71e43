/**
 * What an undoable import (`run --undoable`) does around its writes, so the import can be taken
 * back (../import-undo): before the first write that changes an existing profile, the profile
 * and its custom data as Crisp holds them are kept (durable) by an UndoImageRecorder; a create
 * is announced before it is sent; what each contact was left holding is kept after its writes.
 * The extra reads go through the same RequestSender (rate, quota, retries) as the writes.
 */
import { CRISP_ROUTES, CrispRequestError } from '../crisp-client';
import { toKnown } from '../contact-planning/profile-reads';
import type { KnownProfile } from '../contact-planning/profile-merge';
import type { RequestSender, RequestTally } from './request-sender';

type Data = Record<string, string | number | boolean>;

/** Kept by import-undo/undo-images.ts (UndoImageKeeper). Every method resolves once durable. */
export interface UndoImageRecorder {
  /** True unless a before-image is kept already or this job created the profile. */
  needsBefore(email: string): boolean;
  /** An earlier run of this job began creating this profile (and met no existing one). */
  createdEarlier(email: string): boolean;
  creating(email: string): Promise<void>;
  exists(email: string): Promise<void>;
  keepBefore(
    email: string,
    peopleId: string | null,
    profile: KnownProfile,
    data: Data,
  ): Promise<void>;
  wrote(
    email: string,
    kind: 'created' | 'updated',
    peopleId: string | null,
    profile: KnownProfile,
    written: Data | null,
  ): Promise<void>;
}

export class BeforeImages {
  constructor(
    private readonly recorder: UndoImageRecorder,
    private readonly requests: RequestSender,
  ) {}

  createdEarlier(email: string): boolean {
    return this.recorder.createdEarlier(email);
  }

  creating(email: string): Promise<void> {
    return this.recorder.creating(email);
  }

  exists(email: string): Promise<void> {
    return this.recorder.exists(email);
  }

  /**
   * Before a write that changes the profile at `address`: keeps what it holds. `known` is the
   * profile as just read (fresh), or null to read it now. Returns false when the profile is not
   * in Crisp (nothing to keep: the caller creates it).
   */
  async beforeChange(
    attempt: RequestTally,
    email: string,
    address: string,
    known: KnownProfile | null,
  ): Promise<boolean> {
    if (!this.recorder.needsBefore(email)) return true;
    try {
      const profile =
        known ??
        toKnown(
          (
            await this.requests.call(attempt, CRISP_ROUTES.getProfile, (client, signal) =>
              client.getProfile(address, { signal }),
            )
          ).data,
        );
      const data = await this.requests.call(attempt, CRISP_ROUTES.getData, (client, signal) =>
        client.getData(profile.peopleId ?? address, { signal }),
      );
      await this.recorder.keepBefore(email, profile.peopleId, profile, data.data);
      return true;
    } catch (error) {
      if (error instanceof CrispRequestError && error.kind === 'not_found') return false;
      throw error;
    }
  }

  wrote(
    email: string,
    kind: 'created' | 'updated',
    peopleId: string | null,
    profile: KnownProfile,
    written: Data | null,
  ): Promise<void> {
    return this.recorder.wrote(email, kind, peopleId, profile, written);
  }
}
