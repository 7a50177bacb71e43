import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * Pipedrive people (Contacts > People > Export). Columns are "Person - <field>", one column per
 * email and phone label. English headers (the names found in public exports).
 * Source: https://support.pipedrive.com/en/article/how-can-i-export-my-data-from-pipedrive
 */
export const PIPEDRIVE_PERSONS: SourcePreset = {
  id: 'pipedrive-persons',
  name: 'Pipedrive persons',
  tool: 'Pipedrive',
  languages: ['en'],
  source: {
    url: 'https://support.pipedrive.com/en/article/how-can-i-export-my-data-from-pipedrive',
    note: 'People export columns are "Person - Name", "Person - First name", "Person - Last name", "Person - Email - Work/Home/Other", "Person - Phone - Work/Home/Mobile/Other", "Person - Organization", "Person - Labels", "Person - Owner", "Person - Person created" (as found in public exports). Work email is the Crisp email; the others are kept as custom data.',
  },
  signature: {
    distinctive: [
      'Person - ID',
      'Person - Name',
      'Person - First name',
      'Person - Last name',
      'Person - Email',
      'Person - Email - Work',
      'Person - Email - Home',
      'Person - Email - Other',
      'Person - Phone',
      'Person - Phone - Work',
      'Person - Phone - Mobile',
      'Person - Organization',
      'Person - Owner',
      'Person - Label',
      'Person - Labels',
      'Person - Person created',
      'Person - Update time',
      'Person - Marketing status',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Person - Email - Work', 'Person - Email']),
    data('email_home', ['Person - Email - Home'], { valueType: 'string' }),
    data('email_other', ['Person - Email - Other'], { valueType: 'string' }),
    field('full_name', ['Person - Name']),
    field('first_name', ['Person - First name']),
    field('last_name', ['Person - Last name']),
    field('phone', ['Person - Phone - Work', 'Person - Phone']),
    data('phone_mobile', ['Person - Phone - Mobile'], { valueType: 'string' }),
    data('phone_home', ['Person - Phone - Home'], { valueType: 'string' }),
    data('phone_other', ['Person - Phone - Other'], { valueType: 'string' }),
    field('company_name', ['Person - Organization']),
    field('employment_title', ['Person - Job title', 'Person - Title']),
    field('segments', ['Person - Labels', 'Person - Label'], { segmentSeparator: ',' }),
    data('owner', ['Person - Owner'], { valueType: 'string' }),
    data('marketing_status', ['Person - Marketing status'], { valueType: 'string' }),
    field('created_at', ['Person - Person created'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    data('pipedrive_person_id', ['Person - ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [
    'Person - Update time',
    'Person - Visible to',
    'Person - Organization ID',
    'Person - Open deals',
    'Person - Closed deals',
    'Person - Won deals',
    'Person - Lost deals',
    'Person - Next activity date',
    'Person - Last activity date',
    'Person - Activities to do',
    'Person - Done activities',
    'Person - Total activities',
    'Person - Email messages count',
    'Person - Followers',
    'Person - Double opt-in',
  ],
};
