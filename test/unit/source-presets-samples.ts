/**
 * Realistic sample exports, one per source: headers exactly as each tool writes them (see the
 * sources cited in src/shared/source-presets/catalogue), rows made up for the tests.
 */
export interface SampleExport {
  label: string;
  presetId: string;
  csv: string;
  delimiter?: string;
  /** Header of the column that must become the Crisp email. */
  emailHeader: string;
  /** Headers and what they must become. */
  expect: Record<string, string>;
}

export const SAMPLE_EXPORTS: SampleExport[] = [
  {
    label: 'Shopify customers (current export)',
    presetId: 'shopify-customers',
    csv: `Customer ID,First Name,Last Name,Email,Accepts Email Marketing,Default Address Company,Default Address Address1,Default Address Address2,Default Address City,Default Address Province Code,Default Address Country Code,Default Address Zip,Default Address Phone,Phone,Accepts SMS Marketing,Total Spent,Total Orders,Note,Tax Exempt,Tags
'7210448301122,Teodoro,Villaseñor,teo@elko.example,no,Villaseñor Ranch,HC 31 Box 4500,,Elko,NV,US,89801,(775) 555-0154,+17755550154,no,7790.44,6,Cattle ranch.,yes,"retail, ag-exempt"
'7210448301123,Hollis,Pettibone,hollis@ogden.example,yes,,3910 Harrison Blvd,,Ogden,UT,US,84403,,,no,154.20,1,,no,`,
    emailHeader: 'Email',
    expect: {
      'First Name': 'field:first_name',
      'Last Name': 'field:last_name',
      'Accepts Email Marketing': 'segment_if_yes:newsletter',
      'Total Spent': 'data:total_spent:number',
      'Total Orders': 'data:total_orders:number',
      'Tax Exempt': 'data:tax_exempt:boolean',
      Tags: 'field:segments:,',
      'Default Address Country Code': 'field:country',
      Phone: 'field:phone',
      'Default Address Phone': 'data:address_phone:string',
    },
  },
  {
    label: 'Shopify customers (older template)',
    presetId: 'shopify-customers',
    csv: `First Name,Last Name,Email,Company,Address1,Address2,City,Province,Province Code,Country,Country Code,Zip,Phone,Accepts Marketing,Total Spent,Total Orders,Tags,Note,Tax Exempt
Jane,Doe,jane@shop.example,,1 Main St,,Ottawa,Ontario,ON,Canada,CA,K1A 0B1,+16135550100,yes,42.00,2,"vip, wholesale",,no`,
    emailHeader: 'Email',
    expect: {
      'Accepts Marketing': 'segment_if_yes:newsletter',
      'Country Code': 'field:country',
      Country: 'ignore',
      Province: 'field:region',
      'Province Code': 'ignore',
      Tags: 'field:segments:,',
    },
  },
  {
    label: 'HubSpot contacts (English default view)',
    presetId: 'hubspot-contacts',
    csv: `"Record ID","First Name","Last Name","Email","Phone Number","Contact owner","Primary Associated Company ID","Last Activity Date","Lead Status","Marketing contact status","Create Date","Associated Company"
"101","Camille","Durand","camille@example.com","+33 6 00 00 00 00","Florent Martin","9001","2024-03-20 10:02","NEW","Marketing contact","2024-03-12 09:14","Durand SARL"
"102","John","Smith","john@example.com","","","","","OPEN_DEAL","Non-marketing contact","2024-03-15 14:30",""`,
    emailHeader: 'Email',
    expect: {
      'Record ID': 'data:hubspot_record_id:string',
      'Create Date': 'field:created_at@YYYY-MM-DD HH:mm',
      'Associated Company': 'field:company_name',
      'Lead Status': 'data:lead_status:string',
      'Phone Number': 'field:phone',
    },
  },
  {
    label: 'HubSpot contacts (French account)',
    presetId: 'hubspot-contacts',
    csv: `ID de fiche d'informations,Prénom,Nom,E-mail,Numéro de téléphone,Propriétaire du contact,Statut du lead,Date de création,Nom de l'entreprise,Pays/Région
201,Gaëlle,Perrin,g.perrin@fromagerie.example,04 50 11 22 33,Inès Moreau,NEW,2024-05-02 08:00,Fromagerie Perrin,France`,
    emailHeader: 'E-mail',
    expect: {
      Prénom: 'field:first_name',
      Nom: 'field:last_name',
      "Nom de l'entreprise": 'field:company_name',
      'Pays/Région': 'field:country',
    },
  },
  {
    label: 'Pipedrive persons',
    presetId: 'pipedrive-persons',
    csv: `Person - ID,Person - Name,Person - First name,Person - Last name,Person - Label,Person - Organization,Person - Email - Work,Person - Email - Home,Person - Email - Other,Person - Phone - Work,Person - Phone - Mobile,Person - Owner,Person - Person created,Person - Update time,Person - Marketing status
17,Ada Lovelace,Ada,Lovelace,"Hot lead, VIP",Analytical Engines,ada@engines.example,ada@home.example,,+44 20 7946 0000,,Sam Sales,2023-05-10 14:22:01,2024-01-02 09:00:00,Subscribed`,
    emailHeader: 'Person - Email - Work',
    expect: {
      'Person - Email - Home': 'data:email_home:string',
      'Person - Label': 'field:segments:,',
      'Person - Organization': 'field:company_name',
      'Person - Person created': 'field:created_at@YYYY-MM-DD HH:mm:ss',
    },
  },
  {
    label: 'Salesforce contacts (Data Export Contact.csv)',
    presetId: 'salesforce-contacts',
    csv: `Id,IsDeleted,MasterRecordId,AccountId,LastName,FirstName,Salutation,Name,MailingStreet,MailingCity,MailingState,MailingPostalCode,MailingCountry,Phone,Fax,MobilePhone,HomePhone,Email,Title,Department,LeadSource,Birthdate,Description,OwnerId,HasOptedOutOfEmail,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp,LastActivityDate
0035g00000AbCdEAAV,false,,0015g00000XyZaBAAV,Hopper,Grace,Ms.,Grace Hopper,1 Navy Way,Arlington,VA,22202,United States,+1 703 555 0100,,+1 703 555 0101,,grace@navy.example,Rear Admiral,Engineering,Web,1906-12-09,Met at a conference,0055g00000Q1w2eAAB,false,2020-08-14T14:09:10.000Z,0055g00000Q1w2eAAB,2021-01-01T00:00:00.000Z,0055g00000Q1w2eAAB,2021-01-01T00:00:00.000Z,2021-02-01`,
    emailHeader: 'Email',
    expect: {
      MailingCity: 'field:city',
      MailingCountry: 'field:country',
      HasOptedOutOfEmail: 'data:email_opt_out:boolean',
      MobilePhone: 'data:mobile_phone:string',
      CreatedDate: 'field:created_at',
    },
  },
  {
    label: 'Salesforce leads (Data Export Lead.csv)',
    presetId: 'salesforce-leads',
    csv: `Id,IsDeleted,MasterRecordId,LastName,FirstName,Salutation,Name,Title,Company,Street,City,State,PostalCode,Country,Phone,MobilePhone,Email,Website,Description,LeadSource,Status,Industry,Rating,AnnualRevenue,NumberOfEmployees,OwnerId,HasOptedOutOfEmail,IsConverted,ConvertedDate,ConvertedAccountId,ConvertedContactId,ConvertedOpportunityId,IsUnreadByOwner,CreatedDate,CreatedById,LastModifiedDate,LastModifiedById,SystemModstamp,LastActivityDate
00Q5g00000LmNoPEAV,false,,Nguyen,Tia,Ms.,Tia Nguyen,CTO,Nguyen Labs,5 Market St,San Francisco,CA,94105,USA,+1 415 555 0199,,tia@labs.example,https://labs.example,,Web,Open - Not Contacted,Technology,Hot,2500000,40,0055g00000Q1w2eAAB,false,false,,,,,true,2024-02-01T09:00:00.000Z,0055g00000Q1w2eAAB,2024-02-01T09:00:00.000Z,0055g00000Q1w2eAAB,2024-02-01T09:00:00.000Z,`,
    emailHeader: 'Email',
    expect: {
      Company: 'field:company_name',
      Status: 'data:lead_status:string',
      AnnualRevenue: 'data:annual_revenue:number',
      IsConverted: 'data:is_converted:boolean',
    },
  },
  {
    label: 'Zoho CRM contacts',
    presetId: 'zoho-crm-contacts',
    csv: `"Record Id","Contact Owner","Lead Source","First Name","Last Name","Account Name","Account Name.id","Email","Title","Department","Phone","Mobile","Email Opt Out","Created Time","Modified Time","Last Activity Time","Mailing Street","Mailing City","Mailing State","Mailing Zip","Mailing Country","Description","Tag"
"4876876000000212","Ana Reyes","Trade Show","Sam","Lee","Ridge Property Group","4876876000000111","sam@ridgepg.example","Manager","Ops","614-555-0102","614-555-0103","false","2023-05-06 07:08:09","2024-01-01 10:00:00","2024-02-03 11:12:13","100 Ridge Rd","Columbus","OH","43215","United States","","Key account,Ohio"`,
    emailHeader: 'Email',
    expect: {
      'Account Name': 'field:company_name',
      'Email Opt Out': 'data:email_opt_out:boolean',
      'Created Time': 'field:created_at@YYYY-MM-DD HH:mm:ss',
      Tag: 'field:segments:,',
      'Mailing Zip': 'data:mailing_zip:string',
    },
  },
  {
    label: 'WooCommerce customers (Customers report download)',
    presetId: 'woocommerce-customers',
    csv: `Name,Username,Last active,Date registered,Email,Orders,Total spend,AOV,Country / Region,City,Region,Postal code
Ana Prado,anaprado,2024-06-01T10:00:00,2022-03-14T09:00:00,ana@prado.example,4,312.50,78.13,Brazil,São Paulo,SP,01000-000`,
    emailHeader: 'Email',
    expect: {
      Name: 'field:full_name',
      'Total spend': 'data:total_spent:number',
      Orders: 'data:total_orders:number',
      'Country / Region': 'field:country',
    },
  },
  {
    label: 'WooCommerce customers (user export)',
    presetId: 'woocommerce-user-export',
    csv: `customer_id,user_login,user_email,user_registered,display_name,first_name,last_name,roles,billing_first_name,billing_last_name,billing_company,billing_email,billing_phone,billing_address_1,billing_city,billing_state,billing_postcode,billing_country
12,lihua,li@panda.example,2021-07-09 12:00:00,Li Hua,Li,Hua,customer,Li,Hua,Panda Co,li.billing@panda.example,+86 10 5555 0000,1 Chang'an Ave,Beijing,BJ,100000,CN`,
    emailHeader: 'user_email',
    expect: {
      billing_email: 'ignore',
      billing_country: 'field:country',
      billing_company: 'field:company_name',
    },
  },
  {
    label: 'PrestaShop customers (1.7, English back office)',
    presetId: 'prestashop-customers',
    delimiter: ';',
    csv: `ID;Social title;First name;Last name;Email;Sales;Enabled;Newsletter;Partner offers;Registration;Last visit
2;Mr.;Francis;Gorred;francis@gorred.example;€120.00;1;0;0;2013-07-04 15:20:02;2013-07-04 15:18:50
1;Mrs.;Jane;Doe;jane@doe.example;€0.00;1;1;1;2013-07-02 17:36:07;2013-07-03 16:04:15`,
    emailHeader: 'Email',
    expect: {
      Newsletter: 'segment_if_yes:newsletter',
      'Partner offers': 'data:partner_offers:boolean',
      Registration: 'field:created_at@YYYY-MM-DD HH:mm:ss',
    },
  },
  {
    label: 'PrestaShop customers (1.6, French back office)',
    presetId: 'prestashop-customers',
    delimiter: ';',
    csv: `ID;Titre;Nom;Prénom;Adresse e-mail;Âge;Activé;News.;Opt.;Inscription;Dernière visite
3;M.;Martin;Léa;lea@martin.example;34;1;1;0;2015-02-01 08:00:00;2016-03-01 09:00:00`,
    emailHeader: 'Adresse e-mail',
    expect: {
      Prénom: 'field:first_name',
      'News.': 'segment_if_yes:newsletter',
      'Dernière visite': 'field:last_active_at@YYYY-MM-DD HH:mm:ss',
    },
  },
  {
    label: 'Mailchimp audience',
    presetId: 'mailchimp-audience',
    csv: `"Email Address","First Name","Last Name",Address,"Phone Number",Birthday,MEMBER_RATING,OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS
maya@nordwind.example,Maya,White,,,,2,,,"2016-04-18 13:51:14",77.222.65.130,47.66,-122.29,-8,-7,America/Los_Angeles,US,WA,"2016-04-18 14:00:32",55331253,89501affba,,"""VIP"",""Blog"""`,
    emailHeader: 'Email Address',
    expect: {
      TAGS: 'field:segments:quoted-comma',
      CC: 'field:country',
      CONFIRM_TIME: 'field:created_at@YYYY-MM-DD HH:mm:ss',
      MEMBER_RATING: 'data:member_rating:number',
      LEID: 'ignore',
    },
  },
  {
    label: 'Intercom users',
    presetId: 'intercom-contacts',
    csv: `Name,Email,Phone,User ID,Signed up,First Seen,Last seen,Last Contacted,Last Heard From,Web sessions,City,Region,Country,Timezone,Browser Language,Owner,Tags,Company name,Unsubscribed from Emails
Bo Smith,bo@startup.example,,u_481,2022-01-05T10:00:00Z,2022-01-05T10:00:00Z,2024-06-01T08:30:00Z,,,57,Lisbon,Lisboa,Portugal,Europe/Lisbon,pt-PT,Sam,"beta, paying",Startup.io,false`,
    emailHeader: 'Email',
    expect: {
      'Web sessions': 'data:web_sessions:number',
      Tags: 'field:segments:,',
      'Unsubscribed from Emails': 'data:unsubscribed_from_emails:boolean',
      'Browser Language': 'field:locales',
    },
  },
  {
    label: 'Brevo contacts (French account)',
    presetId: 'brevo-contacts',
    delimiter: ';',
    csv: `EMAIL;PRENOM;NOM;SMS;ADDED_TIME;MODIFIED_TIME
lea@exemple.fr;Léa;Martin;+33600000001;2023-05-06 07:08:09;2024-01-01 00:00:00`,
    emailHeader: 'EMAIL',
    expect: {
      PRENOM: 'field:first_name',
      NOM: 'field:last_name',
      SMS: 'field:phone',
      ADDED_TIME: 'field:created_at@YYYY-MM-DD HH:mm:ss',
    },
  },
  {
    label: 'Google Contacts (current Google CSV)',
    presetId: 'google-contacts',
    csv: `First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value
Robert,,Smith,,,,,,Bob,,Acme,Manager,,--03-07,"Two
lines",,* myContacts ::: Work ::: Golf,* Work,rob@acme.example ::: bob@gmail.example,,,Mobile,+1 415 555 0134 ::: +1 415 555 0135`,
    emailHeader: 'E-mail 1 - Value',
    expect: {
      Labels: 'field:segments: ::: ',
      'Organization Name': 'field:company_name',
      'Phone 1 - Value': 'field:phone',
      Nickname: 'data:nickname:string',
    },
  },
  {
    label: 'Google Contacts (legacy Google CSV)',
    presetId: 'google-contacts',
    csv: `Name,Given Name,Additional Name,Family Name,Yomi Name,Given Name Yomi,Additional Name Yomi,Family Name Yomi,Name Prefix,Name Suffix,Initials,Nickname,Short Name,Maiden Name,Birthday,Gender,Location,Billing Information,Directory Server,Mileage,Occupation,Hobby,Sensitivity,Priority,Subject,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value
Ayoub Makran,Ayoub,,Makran,,,,,,,,,,,,,,,,,,,,,,,* My Contacts ::: clase ::: * Starred,* Home,ayoub@mail.example,Mobile,+212 600 000 000`,
    emailHeader: 'E-mail 1 - Value',
    expect: {
      'Given Name': 'field:first_name',
      'Family Name': 'field:last_name',
      'Group Membership': 'field:segments: ::: ',
    },
  },
  {
    label: 'Outlook contacts (English, Outlook for Windows)',
    presetId: 'outlook-contacts',
    csv: `First Name,Middle Name,Last Name,Title,Suffix,Initials,Web Page,Gender,Birthday,Anniversary,Location,Language,Internet Free Busy,Notes,E-mail Address,E-mail 2 Address,E-mail 3 Address,Primary Phone,Home Phone,Home Phone 2,Mobile Phone,Pager,Home Fax,Home Address,Home Street,Home Street 2,Home Street 3,Home Address PO Box,Home City,Home State,Home Postal Code,Home Country,Spouse,Children,Manager's Name,Assistant's Name,Referred By,Company Main Phone,Business Phone,Business Phone 2,Business Fax,Assistant's Phone,Company,Job Title,Department,Office Location,Organizational ID Number,Profession,Account,Business Address,Business Street,Business Street 2,Business Street 3,Business Address PO Box,Business City,Business State,Business Postal Code,Business Country,Other Phone,Other Fax,Other Address,Other Street,Other Street 2,Other Street 3,Other Address PO Box,Other City,Other State,Other Postal Code,Other Country,Callback,Car Phone,ISDN,Radio Phone,TTY/TDD Phone,Telex,User 1,User 2,User 3,User 4,Keywords,Mileage,Hobby,Billing Information,Directory Server,Sensitivity,Priority,Private,Categories
Linus,,Torvalds,Mr.,,,https://kernel.example,,12/28/1969,,,,,Likes penguins,linus@kernel.example,,,,,,+358 40 000 0003,,,,,,,,,,,,,,,,,,+358 9 000 0002,,,,Kernel Inc,Maintainer,Core,,,,,,,2 Office St,,,,Espoo,Uusimaa,02100,Finland,,,,,,,,,,,,,,,,,,,,,,,,,,,,Normal,Normal,False,Friends;Open source`,
    emailHeader: 'E-mail Address',
    expect: {
      Categories: 'field:segments:;',
      'Mobile Phone': 'field:phone',
      'Business Phone': 'data:business_phone:string',
      'Business Country': 'field:country',
      Company: 'field:company_name',
    },
  },
  {
    label: 'Outlook contacts (German Outlook)',
    presetId: 'outlook-contacts',
    csv: `Anrede,Vorname,Weitere Vornamen,Nachname,Suffix,Firma,Abteilung,Position,Straße geschäftlich,Straße geschäftlich 2,Straße geschäftlich 3,Ort geschäftlich,Region geschäftlich,Postleitzahl geschäftlich,Land/Region geschäftlich,Straße privat,Ort privat,Postleitzahl privat,Land/Region privat,Telefon geschäftlich,Mobiltelefon,E-Mail-Adresse,E-Mail-Typ,E-Mail: Angezeigter Name,E-Mail 2: Adresse,Kategorien,Notizen,Geburtstag,Webseite
Frau,Anna,,Schmidt,,Beispiel GmbH,Einkauf,Leiterin,Hauptstraße 1,,,Berlin,Berlin,10115,Deutschland,,,,,+49 30 000000,+49 170 0000000,anna@beispiel.example,SMTP,Anna Schmidt (anna@beispiel.example),,Kunden;Messe 2024,,0.0.00,`,
    emailHeader: 'E-Mail-Adresse',
    expect: {
      Vorname: 'field:first_name',
      Nachname: 'field:last_name',
      Firma: 'field:company_name',
      Kategorien: 'field:segments:;',
      'Land/Region geschäftlich': 'field:country',
    },
  },
];

/** Header rows that look a bit like an export but must not be recognized. */
export const NEAR_MISSES: { label: string; headers: string[] }[] = [
  { label: 'a generic contact file', headers: ['email', 'first_name', 'last_name', 'tags'] },
  { label: 'only Email and Name', headers: ['Email', 'Name'] },
  {
    label: 'a Shopify file missing most columns',
    headers: ['First Name', 'Last Name', 'Email', 'Tags', 'Accepts Email Marketing'],
  },
  {
    label: 'a mix of Shopify and HubSpot columns',
    headers: [
      'Record ID',
      'Contact owner',
      'Lifecycle Stage',
      'Lead Status',
      'Email',
      'First Name',
      'Last Name',
      'Accepts Email Marketing',
      'Total Spent',
      'Total Orders',
      'Tax Exempt',
    ],
  },
  {
    label: 'a hand-made sheet with common column names',
    headers: ['Email', 'First Name', 'Last Name', 'Phone', 'Company', 'City', 'Country', 'Tags'],
  },
  { label: 'a Brevo-like import file', headers: ['EMAIL', 'FIRSTNAME', 'LASTNAME', 'SMS'] },
  {
    label: 'Mailchimp system columns without an email column',
    headers: ['MEMBER_RATING', 'OPTIN_TIME', 'CONFIRM_TIME', 'LEID', 'EUID'],
  },
  {
    label: 'a Google-shaped file drowned in foreign columns',
    headers: [
      'Given Name',
      'Family Name',
      'E-mail 1 - Value',
      'Phone 1 - Value',
      'Loyalty tier',
      'Store',
      'Points',
      'Last purchase',
      'Referrer',
      'Coupon',
      'Segment code',
    ],
  },
  { label: 'an empty header row', headers: [] },
  { label: 'blank headers only', headers: ['', ' ', ''] },
];
