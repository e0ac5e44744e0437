// The report counts (prisma/migrations/20261202110000_rejection_rollups): the worker's batches append deltas, the
// maintenance folds them into one row per key and drops what is past the retention.
export { compactOptionsOf, compactRejectionRollups, type CompactOptions, type CompactResult } from './compactRejectionRollups.js';
