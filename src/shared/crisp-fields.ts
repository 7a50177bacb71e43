/**
 * The catalogue of Crisp people-profile fields a CSV column can be mapped to
 * (crisp-api.md §4.1). Custom data keys are not listed here: a column maps to one with
 * `{ kind: 'data', key }` (see column-mapping.ts).
 */
import { z } from 'zod';

export const CRISP_FIELD_IDS = [
  'email',
  'first_name',
  'last_name',
  'full_name',
  'phone',
  'avatar',
  'gender',
  'address',
  'description',
  'website',
  'timezone',
  'locales',
  'segments',
  'country',
  'region',
  'city',
  'company_name',
  'company_legal_name',
  'company_domain',
  'company_url',
  'company_description',
  'employment_title',
  'employment_role',
  'employment_seniority',
  'notepad',
  'created_at',
  'last_active_at',
] as const;

export const CrispFieldId = z.enum(CRISP_FIELD_IDS);
export type CrispFieldId = z.infer<typeof CrispFieldId>;

export interface CrispFieldInfo {
  id: CrispFieldId;
  /** Short label shown to people. */
  label: string;
  /** One sentence on what the field holds and how it is sent. */
  help: string;
  /** Where the value lands in the Crisp profile (for people who know the API). */
  crispPath: string;
}

export const CRISP_FIELDS: readonly CrispFieldInfo[] = [
  { id: 'email', label: 'Email', help: 'Required. Identifies the contact.', crispPath: 'email' },
  {
    id: 'first_name',
    label: 'First name',
    help: 'Joined with the last name into the profile name.',
    crispPath: 'person.nickname',
  },
  {
    id: 'last_name',
    label: 'Last name',
    help: 'Joined with the first name into the profile name.',
    crispPath: 'person.nickname',
  },
  {
    id: 'full_name',
    label: 'Full name',
    help: 'The whole name, used when there is no first and last name.',
    crispPath: 'person.nickname',
  },
  {
    id: 'phone',
    label: 'Phone',
    help: 'Phone number, ideally with its country prefix (+33...).',
    crispPath: 'person.phone',
  },
  {
    id: 'avatar',
    label: 'Avatar URL',
    help: 'Address of the profile picture (https://...).',
    crispPath: 'person.avatar',
  },
  { id: 'gender', label: 'Gender', help: 'male or female.', crispPath: 'person.gender' },
  { id: 'address', label: 'Address', help: 'Postal address.', crispPath: 'person.address' },
  {
    id: 'description',
    label: 'Description',
    help: 'A short description of the contact.',
    crispPath: 'person.description',
  },
  {
    id: 'website',
    label: 'Website',
    help: 'Personal website address.',
    crispPath: 'person.website',
  },
  {
    id: 'timezone',
    label: 'Time zone',
    help: 'UTC offset in minutes, or a zone such as Europe/Paris.',
    crispPath: 'person.timezone',
  },
  {
    id: 'locales',
    label: 'Languages',
    help: 'Language codes such as en or fr-FR, several separated by commas.',
    crispPath: 'person.locales',
  },
  {
    id: 'segments',
    label: 'Segments',
    help: 'Tags for the contact, several separated by |, comma or space.',
    crispPath: 'segments',
  },
  {
    id: 'country',
    label: 'Country',
    help: 'A country code such as US, or a country name.',
    crispPath: 'person.geolocation.country',
  },
  {
    id: 'region',
    label: 'Region',
    help: 'Region or state.',
    crispPath: 'person.geolocation.region',
  },
  { id: 'city', label: 'City', help: 'The full city name.', crispPath: 'person.geolocation.city' },
  {
    id: 'company_name',
    label: 'Company name',
    help: 'Name of the contact’s company.',
    crispPath: 'company.name',
  },
  {
    id: 'company_legal_name',
    label: 'Company legal name',
    help: 'Registered name of the company.',
    crispPath: 'company.legal_name',
  },
  {
    id: 'company_domain',
    label: 'Company domain',
    help: 'Domain such as acme.com.',
    crispPath: 'company.domain',
  },
  {
    id: 'company_url',
    label: 'Company website',
    help: 'Company website address.',
    crispPath: 'company.url',
  },
  {
    id: 'company_description',
    label: 'Company description',
    help: 'A short description of the company.',
    crispPath: 'company.description',
  },
  {
    id: 'employment_title',
    label: 'Job title',
    help: 'Job title at the company.',
    crispPath: 'person.employment.title',
  },
  {
    id: 'employment_role',
    label: 'Job role',
    help: 'Role or department, such as sales.',
    crispPath: 'person.employment.role',
  },
  {
    id: 'employment_seniority',
    label: 'Seniority',
    help: 'Seniority, such as executive.',
    crispPath: 'person.employment.seniority',
  },
  {
    id: 'notepad',
    label: 'Notes',
    help: 'Free text kept in the contact’s notepad.',
    crispPath: 'notepad',
  },
  {
    id: 'created_at',
    label: 'Creation date',
    help: 'When the contact was created. Crisp’s API cannot set it, so it is kept as custom data created_at.',
    crispPath: 'data.created_at',
  },
  {
    id: 'last_active_at',
    label: 'Last active date',
    help: 'When the contact was last active. Kept as custom data last_active_at.',
    crispPath: 'data.last_active_at',
  },
];

export function crispFieldInfo(id: CrispFieldId): CrispFieldInfo {
  const info = CRISP_FIELDS.find((f) => f.id === id);
  if (!info) throw new Error(`Unknown Crisp field ${id}`);
  return info;
}
