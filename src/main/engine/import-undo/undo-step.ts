/**
 * Undoes one profile: reads what Crisp holds now, leaves it alone when it changed since the
 * import (unless told to undo it anyway), else deletes it (created by the import) or gives it
 * back its before-image (PUT profile, PUT custom data: fields and keys the import added go).
 * Safe to run again after a kill: a profile already as it was before is 'already', a deleted
 * one that is gone is 'already'. Every request goes through the RequestSender (rate, quota,
 * retries, waits).
 */
import {
  CRISP_ROUTES,
  CrispRequestError,
  type PeopleProfile,
  type PeopleProfileCreate,
} from '../crisp-client';
import type { RequestSender, RequestTally } from '../contact-sending/request-sender';
import { sameData, sameProfile } from './profile-compare';
import type { UndoTarget } from './undo-targets';
import type { ImageData } from './undo-images';

export type UndoOutcomeKind = 'deleted' | 'restored' | 'already' | 'changed' | 'failed';

export interface UndoStepResult {
  outcome: UndoOutcomeKind;
  /** Why, for 'changed' and 'failed' (plain words). */
  reason?: string;
  email: string | null;
  peopleId: string | null;
}

export interface UndoStepOptions {
  /** Undo profiles changed in Crisp since the import too (the person chose it). */
  overwriteChanged: boolean;
  /** When the job was created (Unix ms): a profile created before it is not the import's. */
  jobCreatedAt: number;
}

export async function undoOne(
  requests: RequestSender,
  tally: RequestTally,
  target: UndoTarget,
  options: UndoStepOptions,
): Promise<UndoStepResult> {
  const now = await readProfile(requests, tally, target.address);
  const email = now?.email ?? target.email;
  const peopleId = now?.people_id ?? null;
  const result = (outcome: UndoOutcomeKind, reason?: string): UndoStepResult => ({
    outcome,
    ...(reason ? { reason } : {}),
    email,
    peopleId,
  });
  if (target.action === 'delete') {
    if (!now) return result('already');
    const after = target.images?.after ?? null;
    if (!options.overwriteChanged) {
      if (after) {
        const data = await readData(requests, tally, peopleId ?? target.address);
        if (!sameProfile(now, after.profile) || !sameData(data, after.data))
          return result('changed', 'The profile was changed in Crisp after the import.');
      } else if (now.created_at !== undefined && now.created_at < options.jobCreatedAt) {
        return result('changed', 'The profile existed in Crisp before the import began.');
      }
    }
    try {
      await requests.call(tally, CRISP_ROUTES.removeProfile, (client, signal) =>
        client.removeProfile(peopleId ?? target.address, { signal }),
      );
    } catch (error) {
      if (!(error instanceof CrispRequestError && error.kind === 'not_found')) throw error;
    }
    return result('deleted');
  }

  const { before, after } = target.images;
  if (!now) return result('changed', 'The profile was deleted in Crisp after the import.');
  const address = peopleId ?? target.address;
  const data = await readData(requests, tally, address);
  const profileAsBefore = sameProfile(now, before.profile);
  const dataAsBefore = sameData(data, before.data);
  if (profileAsBefore && dataAsBefore) return result('already');
  if (after && !options.overwriteChanged) {
    const profileMoved = !profileAsBefore && !sameProfile(now, after.profile);
    const dataMoved = !dataAsBefore && !sameData(data, after.data);
    if (profileMoved || dataMoved)
      return result('changed', 'The profile was changed in Crisp after the import.');
  }
  if (!profileAsBefore) {
    const body: PeopleProfileCreate = {
      email: now.email,
      person: before.profile.person as PeopleProfileCreate['person'],
      company: before.profile.company,
      segments: before.profile.segments,
      ...(before.profile.notepad !== undefined ? { notepad: before.profile.notepad } : {}),
    };
    await requests.call(tally, CRISP_ROUTES.saveProfile, (client, signal) =>
      client.saveProfile(address, body, { signal }),
    );
  }
  if (!dataAsBefore) {
    await requests.call(tally, CRISP_ROUTES.saveData, (client, signal) =>
      client.saveData(address, before.data, { signal }),
    );
  }
  return result('restored');
}

async function readProfile(
  requests: RequestSender,
  tally: RequestTally,
  address: string,
): Promise<PeopleProfile | null> {
  try {
    const answer = await requests.call(tally, CRISP_ROUTES.getProfile, (client, signal) =>
      client.getProfile(address, { signal }),
    );
    return answer.data;
  } catch (error) {
    if (error instanceof CrispRequestError && error.kind === 'not_found') return null;
    throw error;
  }
}

async function readData(
  requests: RequestSender,
  tally: RequestTally,
  address: string,
): Promise<ImageData> {
  const answer = await requests.call(tally, CRISP_ROUTES.getData, (client, signal) =>
    client.getData(address, { signal }),
  );
  return answer.data;
}
