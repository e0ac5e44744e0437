// postback_log, partitioned by day (prisma/migrations/20261201100000_postback_log_partitioned): its partitions, the
// maintenance that creates the days ahead and drops the expired ones, and the retention of the rows in between.
export { createDayPartitions, type CreateAheadOptions, type CreatedPartition } from './createDayPartitions.js';
export { ddlTransaction, type DdlOptions } from './ddlTransaction.js';
export { dropExpiredPartitions, type DroppedPartitions } from './dropExpiredPartitions.js';
export { maintainPostbackLog, maintenanceOptionsOf, type MaintenanceOptions, type MaintenanceResult } from './maintainPostbackLog.js';
export { dayPartitionName, listPartitions, utcDayStart, type Partition } from './partitions.js';
export { pruneOptionsOf, prunePostbackLog, type PruneOptions, type PruneResult } from './retention.js';
