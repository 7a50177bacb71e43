/**
 * Durable import jobs: job folders, the row journal, resume, pause and cancel, reports, and the
 * per-website send lock. See ../../../../docs or the module headers for the design.
 */
export * from './job-record';
export * from './job-state';
export * from './job-store';
export * from './file-fingerprint';
export * from './row-journal';
export * from './row-watermark';
export * from './job-outputs';
export * from './website-lock';
export * from './import-job-parts';
export * from './import-job-setup';
export * from './import-job-runner';
export * from './engine-parts';
export * from './job-eta';
export * from './ledger-journals';
export * from './job-finish';
export * from './failed-row-retry';
