export * from './contact-sender';
export * from './quota-budget';
export * from './rate-controller';
export * from './request-planner';
export * from './profile-merge';
export { WrittenProfiles, DEFAULT_WRITTEN_CAPACITY } from './written-profiles';
export { LookupBatcher, type LookupBatcherOptions, type BatchLookup } from './lookup-batcher';
export {
  RequestSender,
  isSelfCheckingProblem,
  newRequestTally,
  type RequestSenderOptions,
  type RequestTally,
  type RequestCounters,
} from './request-sender';
