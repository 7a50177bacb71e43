import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * Intercom users and leads (Contacts > select people > Export). Columns are the people
 * attributes shown in the contacts list, in English.
 * Source: https://www.intercom.com/help/en/articles/318-the-people-company-and-account-list-explained
 */
export const INTERCOM_CONTACTS: SourcePreset = {
  id: 'intercom-contacts',
  name: 'Intercom users and leads',
  tool: 'Intercom',
  languages: ['en'],
  source: {
    url: 'https://www.intercom.com/help/en/articles/318-the-people-company-and-account-list-explained',
    note: 'The people list exports the selected people with its data columns, which are the standard attributes: Name, Email, Phone, User ID, Signed up, First Seen, Last seen, Last Contacted, Last Heard From, Web sessions, City, Region, Country, Timezone, Browser Language, Language Override, Job Title, Owner, Tags, Segments, Company name, Unsubscribed from Emails (standard attribute names from Intercom\'s "Tracking user data in Intercom"; the exact export header set could not be confirmed from a public sample). Country is a name; dates are left to automatic reading.',
  },
  signature: {
    distinctive: [
      'Signed up',
      'First Seen',
      'Last seen',
      'Last Contacted',
      'Last Heard From',
      'Last Opened Email',
      'Web sessions',
      'Browser Language',
      'Language Override',
      'Unsubscribed from Emails',
      'Marked email as spam',
      'Has hard bounced',
      'Twitter Followers',
      'Lead Category',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email']),
    field('full_name', ['Name']),
    field('phone', ['Phone']),
    field('created_at', ['Signed up']),
    field('last_active_at', ['Last seen']),
    field('city', ['City']),
    field('region', ['Region']),
    field('country', ['Country']),
    field('timezone', ['Timezone']),
    field('locales', ['Language Override', 'Browser Language']),
    field('employment_title', ['Job Title']),
    field('company_name', ['Company name', 'Company']),
    field('segments', ['Tags', 'Tag'], { segmentSeparator: ',' }),
    data('web_sessions', ['Web sessions'], { valueType: 'number' }),
    data('owner', ['Owner'], { valueType: 'string' }),
    data('unsubscribed_from_emails', ['Unsubscribed from Emails'], { valueType: 'boolean' }),
    data('intercom_user_id', ['User ID'], { valueType: 'string' }),
  ],
  ignoredHeaders: [
    'Id',
    'Type',
    'First Seen',
    'Last Contacted',
    'Last Heard From',
    'Last Opened Email',
    'Last Clicked On Link In Email',
    'Browser',
    'Browser Version',
    'OS',
    'Twitter Followers',
    'Lead Category',
    'Segment',
    'Segments',
    'Company ID',
    'Marked email as spam',
    'Has hard bounced',
  ],
};
