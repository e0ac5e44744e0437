import { NotFoundError } from '../adminErrors.js';
import type { AdminDeps } from '../wiring/adminDeps.js';
import { parseInput } from '../services/parseInput.js';
import { requestCancel } from './bulkLease.js';
import { bulkIdParam, listBulkRejections, showBulkRejection, type BulkRecord, type BulkRecordWithInvalid } from './bulkRecords.js';
import { createBulkRunner, type BulkRunner, type BulkRunnerOptions } from './bulkRunner.js';
import { stageUpload, type Upload } from './stageUpload.js';

export type { Upload } from './stageUpload.js';

/** An upload as staging answers it: its record, and whether this request made it (else an earlier one, same key). */
export interface UploadAnswer {
  record: BulkRecordWithInvalid;
  created: boolean;
}

/** Bulk rejections, as the API and the CLI use them: staged by a request, queued by the runner, read and cancelled. */
export interface BulkRejections {
  upload(upload: Upload, operator: string): Promise<UploadAnswer>;
  get(id: unknown, query?: unknown): Promise<BulkRecordWithInvalid>;
  list(query: unknown): Promise<{ bulk_rejections: BulkRecord[] }>;
  cancel(id: unknown): Promise<BulkRecordWithInvalid>;
  runner: BulkRunner;
}

export function createBulkRejections(deps: AdminDeps, options?: BulkRunnerOptions): BulkRejections {
  const runner = createBulkRunner(deps, options);
  const bulk: BulkRejections = {
    async upload(upload, operator) {
      const { id, created } = await stageUpload(deps, operator, upload);
      if (created) runner.kick();
      return { record: await showBulkRejection(deps.prisma, id, {}), created };
    },
    get: (id, query = {}) => showBulkRejection(deps.prisma, id, query),
    list: (query) => listBulkRejections(deps.prisma, query),
    async cancel(rawId) {
      const id = parseInput(bulkIdParam, rawId, 'id');
      if (!(await deps.prisma.bulkRejection.findUnique({ where: { id }, select: { id: true } }))) {
        throw new NotFoundError(`bulk rejection ${id} not found`);
      }
      await requestCancel(deps.prisma, id);
      return bulk.get(id);
    },
    runner,
  };
  return bulk;
}
