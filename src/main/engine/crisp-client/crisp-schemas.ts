/**
 * zod schemas for what goes to Crisp and what comes back (crisp-api.md §2, §4). Read shapes are
 * loose: fields this app does not know are kept, so a read-merge-write never drops them.
 */
import { z } from 'zod';

/** Every JSON answer: `{ error, reason, data }`. */
export const CrispEnvelope = z.object({
  error: z.boolean(),
  reason: z.string().nullable().optional(),
  data: z.unknown().optional(),
});
export type CrispEnvelope = z.infer<typeof CrispEnvelope>;

/** `data` of an error answer: validation errors carry `namespace` and `message`. */
export const CrispErrorData = z.looseObject({
  namespace: z.string().optional(),
  message: z.string().optional(),
});

export const DataValue = z.union([z.string(), z.number(), z.boolean()]);
export type DataValue = z.infer<typeof DataValue>;

const GeolocationRead = z.looseObject({
  country: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
});

const EmploymentRead = z.looseObject({
  name: z.string().optional(),
  domain: z.string().optional(),
  title: z.string().optional(),
  role: z.string().optional(),
  seniority: z.string().optional(),
});

export const PersonRead = z.looseObject({
  nickname: z.string().optional(),
  employment: EmploymentRead.optional(),
  geolocation: GeolocationRead.optional(),
});

/** A profile as GET people/profile/{id} returns it. */
export const PeopleProfile = z.looseObject({
  people_id: z.string().optional(),
  email: z.string(),
  person: PersonRead.optional().default({}),
  company: z.looseObject({}).optional().default({}),
  segments: z.array(z.string()).optional().default([]),
  notepad: z.string().optional(),
  created_at: z.number().optional(),
  updated_at: z.number().optional(),
});
export type PeopleProfile = z.output<typeof PeopleProfile>;

export const PeopleProfileList = z.array(PeopleProfile);

/** One criterion of a profile search (GET people/profiles, `search_filter`). */
export interface SearchFilter {
  model: 'people';
  criterion: string;
  operator: 'eq' | 'neq' | 'has' | 'nhas' | 'gt' | 'gte' | 'lt' | 'lte';
  query: Array<string | number | boolean>;
}

/** `data` of POST people/profile (201 added). */
export const PeopleProfileCreated = z.looseObject({ people_id: z.string().min(1) });
export type PeopleProfileCreated = z.output<typeof PeopleProfileCreated>;

/** `data` of GET people/data/{id}: custom data, wrapped once more. */
export const PeopleData = z.looseObject({
  data: z.record(z.string(), DataValue.nullable()).optional().default({}),
});
export type PeopleData = z.output<typeof PeopleData>;

/** `data` of GET people/stats. */
export const PeopleStats = z.looseObject({ total: z.number().int().nonnegative() });
export type PeopleStats = z.output<typeof PeopleStats>;

/** Any `data` we ignore (PATCH answers `{}`). */
export const Ignored = z.unknown();

const text = z.string().min(1);

/** Body of POST people/profile. `email` and `person.nickname` are required (crisp-api.md §4.2). */
export const PeopleProfileCreate = z.object({
  email: text,
  person: z.looseObject({ nickname: text }),
  company: z.looseObject({}).optional(),
  segments: z.array(text).optional(),
  notepad: z.string().optional(),
});
export type PeopleProfileCreate = z.input<typeof PeopleProfileCreate>;

/** Body of PATCH people/profile/{id}: only the top-level fields given are replaced. */
export const PeopleProfileUpdate = z
  .object({
    email: text.optional(),
    person: z.looseObject({}).optional(),
    company: z.looseObject({}).optional(),
    segments: z.array(text).optional(),
    notepad: z.string().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'an update must change at least one field');
export type PeopleProfileUpdate = z.input<typeof PeopleProfileUpdate>;

/** Custom data to write. Keys: letters, digits, `_` and `-` (crisp-api.md §5). */
export const PeopleDataUpdate = z.record(z.string(), DataValue).superRefine((data, ctx) => {
  for (const key of Object.keys(data)) {
    if (!/^[A-Za-z0-9_-]+$/.test(key)) {
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'custom data keys may hold only letters, digits, _ and -',
      });
    }
  }
});
export type PeopleDataUpdate = z.input<typeof PeopleDataUpdate>;
