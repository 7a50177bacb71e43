/**
 * A contact after mapping, normalization and validation: exactly what the importer will send
 * to Crisp for one row (before merging with what Crisp already holds).
 */
import { z } from 'zod';

const text = z.string().min(1);

export const DataValue = z.union([z.string(), z.number(), z.boolean()]);
export type DataValue = z.infer<typeof DataValue>;

export const Geolocation = z.object({
  country: text.optional(),
  region: text.optional(),
  city: text.optional(),
});

export const Employment = z.object({
  name: text.optional(),
  domain: text.optional(),
  title: text.optional(),
  role: text.optional(),
  seniority: text.optional(),
});

export const ContactProfile = z.object({
  /** Trimmed and lower-cased: the identity of the contact. */
  email: z.string().min(3),
  /** Always set: from first + last name, the full name, or inferred from the email. */
  nickname: z.string().min(1),
  nicknameSource: z.enum(['first_last', 'full_name', 'email']),
  person: z.object({
    avatar: text.optional(),
    gender: text.optional(),
    phone: text.optional(),
    address: text.optional(),
    description: text.optional(),
    website: text.optional(),
    timezone: z.number().int().optional(),
    locales: z.array(text).optional(),
    employment: Employment.optional(),
    geolocation: Geolocation.optional(),
  }),
  company: z.object({
    name: text.optional(),
    legal_name: text.optional(),
    domain: text.optional(),
    url: text.optional(),
    description: text.optional(),
  }),
  /** Deduplicated, in file order. Added to the profile's existing segments, never replacing them. */
  segments: z.array(text),
  notepad: text.optional(),
  /** Custom data to set (valid keys only). */
  data: z.record(z.string(), DataValue),
  /** Custom data keys whose cell was empty under the `clear` policy: cleared on an existing profile. */
  clearedDataKeys: z.array(z.string()),
});
export type ContactProfile = z.infer<typeof ContactProfile>;
