export * from './change-ledger';
export * from './contact-digest';
export * from './ledger-note';
export * from './ledger-summary';
export { LedgerTable, ENTRY_BYTES, MAX_OCCURRENCE, type LedgerEntry } from './ledger-table';
