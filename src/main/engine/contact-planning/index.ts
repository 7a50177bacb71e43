export * from './contact-planner';
export * from './contact-merge';
export * from './email-group-window';
export * from './repeated-email-census';
