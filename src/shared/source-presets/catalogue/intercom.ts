import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * Intercom users and leads (Contacts > select people > Export). The people list exports its data
 * columns, which are the people attributes under their display names, in English.
 * Source: https://www.intercom.com/help/en/articles/318-the-people-company-and-account-list-explained
 */
export const INTERCOM_CONTACTS: SourcePreset = {
  id: 'intercom-contacts',
  name: 'Intercom users and leads',
  tool: 'Intercom',
  languages: ['en'],
  source: {
    url: 'https://www.intercom.com/help/en/articles/318-the-people-company-and-account-list-explained',
    note: 'That page says the people list can export any selected people and that its data columns are the user attributes. The names used here are the standard attributes as Intercom lists them in "Tracking user data in Intercom" (article 320, read in a public copy): Name, Email, Phone number, Web sessions, Last seen, First seen, Signed up, City, Country, Last contacted, Last heard from, Last opened email, Last clicked on link in email, Twitter followers, Unsubscribed from emails, Tag, OS, Browser language, Browser version, Language override. No public sample of the exported file was found, so the exact header set (and whether the file adds User ID, Region, Timezone, Owner, Segments or company columns) is unverified: those extra names are kept as unverified, never used for recognition, and recognition asks for 4 attribute names instead of 3. Several tags in one cell are assumed comma-separated (unverified). Country is a name; dates are left to automatic reading.',
  },
  alsoSee: [
    {
      url: 'https://www.intercom.com/help/en/articles/320-tracking-user-data-in-intercom',
      note: 'Standard user attributes and their display names.',
    },
  ],
  signature: {
    distinctive: [
      'Signed up',
      'First seen',
      'Last seen',
      'Last contacted',
      'Last heard from',
      'Last opened email',
      'Last clicked on link in email',
      'Web sessions',
      'Browser language',
      'Language override',
      'Unsubscribed from emails',
      'Twitter followers',
    ],
    minDistinctive: 4,
  },
  columns: [
    field('email', ['Email']),
    field('full_name', ['Name']),
    field('phone', ['Phone number', 'Phone']),
    field('created_at', ['Signed up']),
    field('last_active_at', ['Last seen']),
    field('city', ['City']),
    field('region', ['Region']),
    field('country', ['Country']),
    field('timezone', ['Timezone']),
    field('locales', ['Language override', 'Browser language']),
    field('employment_title', ['Job Title']),
    field('company_name', ['Company name']),
    field('segments', ['Tag', 'Tags'], { segmentSeparator: ',' }),
    data('web_sessions', ['Web sessions'], { valueType: 'number' }),
    data('owner', ['Owner'], { valueType: 'string' }),
    data('unsubscribed_from_emails', ['Unsubscribed from emails'], { valueType: 'boolean' }),
    data('intercom_user_id', ['User ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [
    'First seen',
    'Last contacted',
    'Last heard from',
    'Last opened email',
    'Last clicked on link in email',
    'Twitter followers',
    'OS',
    'Browser version',
    'Segments',
    'Company ID',
  ],
  unverifiedHeaders: [
    'Phone',
    'Region',
    'Timezone',
    'Job Title',
    'Company name',
    'Tags',
    'Owner',
    'User ID',
    'Segments',
    'Company ID',
  ],
};
