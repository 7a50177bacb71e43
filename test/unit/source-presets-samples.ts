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
  /**
   * Headers of this sample that the preset marks as unverified (no public export showed them).
   * Every other header of a sample is one the cited sources show.
   */
  unverifiedHeadersUsed?: string[];
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
    label: 'HubSpot contacts (French export)',
    presetId: 'hubspot-contacts',
    csv: `ID de fiche d'informations,Prénom,Nom,E-mail,Numéro de téléphone,Phase du cycle de vie,Date de création,Nom de l'entreprise,Ville,Pays/Région,URL du site web
201,Gaëlle,Perrin,g.perrin@fromagerie.example,04 50 11 22 33,lead,2024-05-02 08:00,Fromagerie Perrin,Annecy,France,https://fromagerie.example`,
    emailHeader: 'E-mail',
    unverifiedHeadersUsed: ['Prénom', 'Nom', 'E-mail'],
    expect: {
      Prénom: 'field:first_name',
      Nom: 'field:last_name',
      "Nom de l'entreprise": 'field:company_name',
      'Pays/Région': 'field:country',
      'Phase du cycle de vie': 'data:lifecycle_stage:string',
      'Date de création': 'field:created_at@YYYY-MM-DD HH:mm',
    },
  },
  {
    label: 'Pipedrive persons',
    presetId: 'pipedrive-persons',
    csv: `Person - ID,Person - Name,Person - First name,Person - Last name,Person - Title,Person - Label,Person - Organization,Person - Email - Work,Person - Email - Home,Person - Email - Other,Person - Phone - Work,Person - Phone - Mobile,Person - Person created,Person - Marketing status,Person - Double opt-in
17,Ada Lovelace,Ada,Lovelace,Analyst,"Hot lead, VIP",Analytical Engines,ada@engines.example,ada@home.example,,+44 20 7946 0000,,2023-05-10 14:22:01,Subscribed,`,
    emailHeader: 'Person - Email - Work',
    expect: {
      'Person - Email - Home': 'data:email_home:string',
      'Person - Label': 'field:segments:,',
      'Person - Organization': 'field:company_name',
      'Person - Title': 'field:employment_title',
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
    label: 'Salesforce contacts (report export)',
    presetId: 'salesforce-contacts-report',
    csv: `Salutation,First Name,Last Name,Title,Mailing Street,Mailing City,Mailing State/Province,Mailing Zip/Postal Code,Mailing Country,Phone,Mobile,Fax,Email,Account Owner,Account Name
Ms.,Grace,Hopper,Rear Admiral,1 Navy Way,Arlington,VA,22202,United States,+1 703 555 0100,+1 703 555 0101,,grace@navy.example,Sam Sales,US Navy`,
    emailHeader: 'Email',
    expect: {
      'Mailing State/Province': 'field:region',
      'Mailing Zip/Postal Code': 'data:postal_code:string',
      'Mailing Country': 'field:country',
      'Account Name': 'field:company_name',
      'Account Owner': 'data:account_owner:string',
      Mobile: 'data:mobile_phone:string',
      Fax: 'ignore',
    },
  },
  {
    label: 'Zoho CRM contacts',
    presetId: 'zoho-crm-contacts',
    csv: `"Record Id","Contact Owner.id","Contact Owner","Lead Source","First Name","Last Name","Account Name.id","Account Name","Email","Title","Department","Phone","Mobile","Created By.id","Created By","Modified By.id","Modified By","Created Time","Modified Time","Contact Name","Description","Email Opt Out","Salutation","Last Activity Time","Tag","Mailing Street","Mailing City","Mailing State","Mailing Zip","Mailing Country","Locked"
"4876876000000212","4876876000000101","Ana Reyes","Trade Show","Sam","Lee","4876876000000111","Ridge Property Group","sam@ridgepg.example","Manager","Ops","614-555-0102","614-555-0103","4876876000000101","Ana Reyes","4876876000000101","Ana Reyes","2023-05-06 07:08:09","2024-01-01 10:00:00","Sam Lee","","false","Mr.","2024-02-03 11:12:13","Key account,Ohio","100 Ridge Rd","Columbus","OH","43215","United States","false"`,
    emailHeader: 'Email',
    expect: {
      'Account Name': 'field:company_name',
      'Contact Name': 'field:full_name',
      'Email Opt Out': 'data:email_opt_out:boolean',
      'Created Time': 'field:created_at@YYYY-MM-DD HH:mm:ss',
      Tag: 'field:segments:,',
      'Mailing Zip': 'data:mailing_zip:string',
      'Contact Owner.id': 'ignore',
    },
  },
  {
    label: 'WooCommerce customers (report downloaded in the browser)',
    presetId: 'woocommerce-customers',
    csv: `Name,Username,Role,Last active,Date registered,Email,Orders,Total spend,AOV,Country / Region,City,Region,Postal code
Ana Prado,anaprado,Customer,2024-06-01T10:00:00,2022-03-14T09:00:00,ana@prado.example,4,312.50,78.13,BR,São Paulo,SP,01000-000`,
    emailHeader: 'Email',
    expect: {
      Name: 'field:full_name',
      'Total spend': 'data:total_spent:number',
      Orders: 'data:total_orders:number',
      'Country / Region': 'field:country',
      Role: 'data:role:string',
    },
  },
  {
    label: 'WooCommerce customers (report e-mailed as CSV)',
    presetId: 'woocommerce-customers',
    csv: `Name,Username,Last Active,Sign Up,Email,Orders,Total Spend,AOV,Country / Region,City,Region,Postal Code,Billing Phone,Shipping Phone,Role
Ana Prado,anaprado,2024-06-01T10:00:00,2022-03-14T09:00:00,ana@prado.example,4,312.50,78.13,BR,São Paulo,SP,01000-000,+55 11 5555 0000,,Customer`,
    emailHeader: 'Email',
    expect: {
      'Sign Up': 'field:created_at',
      'Last Active': 'field:last_active_at',
      'Total Spend': 'data:total_spent:number',
      'Billing Phone': 'field:phone',
      'Shipping Phone': 'data:shipping_phone:string',
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
    label: 'PrestaShop customers (1.7.6+ export, English back office)',
    presetId: 'prestashop-customers',
    delimiter: ';',
    csv: `ID;Social title;First name;Last name;Email address;Group;Company;Sales;Enabled;Newsletter;Partner offers;Registration;Last visit
2;Mr.;Francis;Gorred;francis@gorred.example;Customer;;€120.00;1;0;0;2013-07-04 15:20:02;2013-07-04 15:18:50
1;Mrs.;Jane;Doe;jane@doe.example;Customer;Doe Ltd;€0.00;1;1;1;2013-07-02 17:36:07;2013-07-03 16:04:15`,
    emailHeader: 'Email address',
    expect: {
      Newsletter: 'segment_if_yes:newsletter',
      'Partner offers': 'data:partner_offers:boolean',
      Registration: 'field:created_at@YYYY-MM-DD HH:mm:ss',
      Company: 'field:company_name',
      Group: 'data:customer_group:string',
    },
  },
  {
    label: 'PrestaShop customers (format of the 1.6 and 1.7 user guides)',
    presetId: 'prestashop-customers',
    delimiter: ';',
    csv: `ID;Title;Last name;First Name;Email address;Age;Enabled;News.;Opt.;Registration;Last visit;
2;1;Gorred;Francis;francis@gorred.example;-;1;0;0;2013-07-04 15:20:02;2013-07-04 15:18:50;
1;1;DOE;John;john@doe.example;43;1;1;1;2013-07-02 17:36:07;2013-07-03 16:04:15;`,
    emailHeader: 'Email address',
    expect: {
      'First Name': 'field:first_name',
      'News.': 'segment_if_yes:newsletter',
      'Opt.': 'data:partner_offers:boolean',
      'Last visit': 'field:last_active_at@YYYY-MM-DD HH:mm:ss',
    },
  },
  {
    label: 'PrestaShop customers (1.6 list export)',
    presetId: 'prestashop-customers',
    delimiter: ';',
    csv: `ID;Social title;First name;Last name;Email address;Sales;Enabled;Newsletter;Opt-in;Registration;Last visit
3;Mrs.;Léa;Martin;lea@martin.example;€54.00;1;1;0;2015-02-01 08:00:00;2016-03-01 09:00:00`,
    emailHeader: 'Email address',
    expect: {
      'Opt-in': 'data:partner_offers:boolean',
      Enabled: 'data:account_enabled:boolean',
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
    csv: `Name,Email,Phone number,Signed up,First seen,Last seen,Last contacted,Last heard from,Web sessions,City,Country,Browser language,Tag,Unsubscribed from emails
Bo Smith,bo@startup.example,,2022-01-05T10:00:00Z,2022-01-05T10:00:00Z,2024-06-01T08:30:00Z,,,57,Lisbon,Portugal,pt-PT,"beta, paying",false`,
    emailHeader: 'Email',
    expect: {
      'Web sessions': 'data:web_sessions:number',
      Tag: 'field:segments:,',
      'Unsubscribed from emails': 'data:unsubscribed_from_emails:boolean',
      'Browser language': 'field:locales',
      'Phone number': 'field:phone',
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
    label: 'Brevo contacts (English account)',
    presetId: 'brevo-contacts',
    delimiter: ';',
    csv: `EMAIL;FIRSTNAME;LASTNAME;SMS;WHATSAPP;EXT_ID;ADDED_TIME;MODIFIED_TIME
yoga@studio.example;Mia;Reed;+447700900123;;c-42;2023-05-06 07:08:09;2024-01-01 00:00:00`,
    emailHeader: 'EMAIL',
    expect: {
      FIRSTNAME: 'field:first_name',
      WHATSAPP: 'data:whatsapp:string',
      EXT_ID: 'data:ext_id:string',
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
  {
    label: "the columns Zoho and Salesforce reports share, without either tool's own",
    headers: [
      'First Name',
      'Last Name',
      'Email',
      'Account Name',
      'Mailing Street',
      'Mailing City',
      'Mailing Country',
      'Contact Owner',
      'Email Opt Out',
    ],
  },
  {
    label: 'a Salesforce-report-like file with only two report-specific columns',
    headers: [
      'First Name',
      'Last Name',
      'Email',
      'Mailing Street',
      'Mailing City',
      'Mailing State/Province',
      'Mailing Zip/Postal Code',
      'Mailing Country',
    ],
  },
  {
    label: 'a mix of Zoho and Salesforce report columns',
    headers: [
      'Record Id',
      'Created Time',
      'Modified Time',
      'Email',
      'First Name',
      'Last Name',
      'Mailing State/Province',
      'Mailing Zip/Postal Code',
      'Account Owner',
      'Account Name',
    ],
  },
  {
    label: 'an Intercom-like file with three attribute names only',
    headers: ['Name', 'Email', 'Signed up', 'Last seen', 'Web sessions', 'Plan'],
  },
  {
    label: 'a shop sheet with WooCommerce-like generic columns',
    headers: ['Name', 'Username', 'Email', 'Orders', 'City', 'Region', 'Postal code'],
  },
  {
    label: 'a PrestaShop-like sheet with two PrestaShop columns',
    headers: ['ID', 'First name', 'Last name', 'Email address', 'Newsletter', 'Registration'],
  },
  { label: 'an empty header row', headers: [] },
  { label: 'blank headers only', headers: ['', ' ', ''] },
];
