import { describe, expect, it } from 'vitest';
import type { ContactProfile } from '../../src/shared/contact-profile';
import {
  createBody,
  dataUpdate,
  mergeIntoProfile,
  unionSegments,
  type KnownProfile,
} from '../../src/main/engine/contact-sending';

function contact(overrides: Partial<ContactProfile> = {}): ContactProfile {
  return {
    email: 'jane@example.com',
    nickname: 'Jane Doe',
    nicknameSource: 'full_name',
    person: {},
    company: {},
    segments: [],
    data: {},
    clearedDataKeys: [],
    ...overrides,
  };
}

const existing: KnownProfile = {
  peopleId: 'p-1',
  person: {
    nickname: 'Janet',
    phone: '+33100000000',
    employment: { name: 'Acme', title: 'CTO' },
    profiles: [{ type: 'linkedin', handle: 'jane' }],
  },
  company: { name: 'Acme', domain: 'acme.com' },
  segments: ['VIP', 'lead'],
  notepad: 'old note',
};

describe('createBody', () => {
  it('sends the nickname, the set fields only, and deduplicated segments', () => {
    const body = createBody(
      contact({ person: { phone: '+1', avatar: undefined }, segments: ['a', 'A', 'b'] }),
    );
    expect(body).toEqual({
      email: 'jane@example.com',
      person: { nickname: 'Jane Doe', phone: '+1' },
      segments: ['a', 'b'],
    });
  });
});

describe('mergeIntoProfile', () => {
  it('adds segments, merges employment and company field by field, overwrites single fields', () => {
    const { update, result } = mergeIntoProfile(
      existing,
      contact({
        person: { phone: '+33199999999', employment: { role: 'engineering' } },
        company: { legal_name: 'Acme SAS' },
        segments: ['vip', 'imported'],
      }),
    );
    expect(update).toEqual({
      person: {
        nickname: 'Jane Doe',
        phone: '+33199999999',
        employment: { name: 'Acme', title: 'CTO', role: 'engineering' },
        profiles: [{ type: 'linkedin', handle: 'jane' }],
      },
      company: { name: 'Acme', domain: 'acme.com', legal_name: 'Acme SAS' },
      segments: ['VIP', 'lead', 'imported'],
    });
    expect(result.peopleId).toBe('p-1');
    expect(result.notepad).toBe('old note');
  });

  it('does not replace a real name with one guessed from the email', () => {
    const { update } = mergeIntoProfile(
      existing,
      contact({ nickname: 'Jane', nicknameSource: 'email', segments: ['lead'] }),
    );
    expect(update).toBeNull();
  });

  it('asks for no request when the profile already holds everything', () => {
    const { update } = mergeIntoProfile(
      existing,
      contact({ nickname: 'Janet', person: { phone: '+33100000000' }, segments: ['vip'] }),
    );
    expect(update).toBeNull();
  });

  it('sends only the top-level fields that change', () => {
    const { update } = mergeIntoProfile(
      existing,
      contact({ nickname: 'Janet', segments: ['new'] }),
    );
    expect(update).toEqual({ segments: ['VIP', 'lead', 'new'] });
  });
});

describe('dataUpdate', () => {
  const row = contact({ data: { plan: 'pro', seats: 3 }, clearedDataKeys: ['ltv'] });

  it('clears keys left empty on an existing profile', () => {
    expect(dataUpdate(row, false, 'clear')).toEqual({ plan: 'pro', seats: 3, ltv: '' });
  });

  it('keeps existing values when asked to', () => {
    expect(dataUpdate(row, false, 'keep')).toEqual({ plan: 'pro', seats: 3 });
  });

  it('has nothing to clear on a new profile, so no request for empty cells alone', () => {
    expect(dataUpdate(contact({ clearedDataKeys: ['ltv'] }), true, 'clear')).toBeNull();
  });
});

describe('unionSegments', () => {
  it('never removes, keeps the existing spelling, drops blanks', () => {
    expect(unionSegments(['VIP'], ['vip', ' ', 'b', 'b'])).toEqual(['VIP', 'b']);
  });
});
