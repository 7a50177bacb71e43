import type { SourcePreset } from '../source-preset';
import { data, field } from './column-builders';

/**
 * Mailchimp audience (Audience > Export Audience). The audience's merge fields come first under
 * their labels, then Mailchimp's fixed system columns in capitals. Times are UTC,
 * "2016-04-18 13:51:14"; TAGS holds quoted, comma-separated tags ("VIP","Blog").
 * Source: https://mailchimp.com/help/view-export-contacts/
 */
export const MAILCHIMP_AUDIENCE: SourcePreset = {
  id: 'mailchimp-audience',
  name: 'Mailchimp audience',
  tool: 'Mailchimp',
  languages: ['en'],
  source: {
    url: 'https://mailchimp.com/help/view-export-contacts/',
    note: 'Export columns "Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday" (default merge fields), then MEMBER_RATING, OPTIN_TIME, OPTIN_IP, CONFIRM_TIME, CONFIRM_IP, LATITUDE, LONGITUDE, GMTOFF, DSTOFF, TIMEZONE, CC, REGION, LAST_CHANGED, LEID, EUID, NOTES, TAGS (as in public exports). CC is the ISO country code; CONFIRM_TIME, the moment the person subscribed, is the creation date.',
  },
  signature: {
    distinctive: [
      'MEMBER_RATING',
      'OPTIN_TIME',
      'OPTIN_IP',
      'CONFIRM_TIME',
      'CONFIRM_IP',
      'GMTOFF',
      'DSTOFF',
      'LAST_CHANGED',
      'LEID',
      'EUID',
      'UNSUB_TIME',
      'CLEAN_TIME',
    ],
    minDistinctive: 3,
  },
  columns: [
    field('email', ['Email Address', 'Email']),
    field('first_name', ['First Name']),
    field('last_name', ['Last Name']),
    field('address', ['Address']),
    field('phone', ['Phone Number']),
    data('birthday', ['Birthday'], { valueType: 'string' }),
    data('member_rating', ['MEMBER_RATING'], { valueType: 'number' }),
    field('created_at', ['CONFIRM_TIME'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    data('optin_time', ['OPTIN_TIME'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    data('last_changed', ['LAST_CHANGED'], { dateFormat: 'YYYY-MM-DD HH:mm:ss' }),
    field('timezone', ['TIMEZONE']),
    field('country', ['CC']),
    field('region', ['REGION']),
    field('notepad', ['NOTES']),
    field('segments', ['TAGS'], { segmentSeparator: 'quoted-comma' }),
  ],
  ignoredHeaders: [
    'OPTIN_IP',
    'CONFIRM_IP',
    'LATITUDE',
    'LONGITUDE',
    'GMTOFF',
    'DSTOFF',
    'LEID',
    'EUID',
    'UNSUB_TIME',
    'UNSUB_CAMPAIGN_TITLE',
    'UNSUB_CAMPAIGN_ID',
    'UNSUB_REASON',
    'UNSUB_REASON_OTHER',
    'CLEAN_TIME',
    'CLEAN_CAMPAIGN_TITLE',
    'CLEAN_CAMPAIGN_ID',
  ],
};
