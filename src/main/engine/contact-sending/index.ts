export * from './contact-sender';
export * from './quota-budget';
export * from './rate-controller';
// What to send for a contact is planned in contact-planning; re-exported for callers of the sender.
export * from '../contact-planning/request-planner';
export * from '../contact-planning/profile-merge';
export { WrittenProfiles, DEFAULT_WRITTEN_CAPACITY } from '../contact-planning/written-profiles';
export {
  LookupBatcher,
  type LookupBatcherOptions,
  type BatchLookup,
} from '../contact-planning/lookup-batcher';
export {
  RequestSender,
  isSelfCheckingProblem,
  newRequestTally,
  type RequestSenderOptions,
  type RequestTally,
  type RequestCounters,
} from './request-sender';
