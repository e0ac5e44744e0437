import type express from 'express';
import type { AdminDeps } from './wiring/adminDeps.js';
import { rejectionReport } from './services/rejectionReport.js';
import { rejectionReportCsv, rejectionReportFileName } from './services/rejectionReportCsv.js';

/** The console's reports (issue 13), read from the rollups on the read replica. Registered behind the admin check. */
export function registerReportRoutes(app: express.Express, deps: Pick<AdminDeps, 'reads'>): void {
  app.get('/admin/reports/rejections', async (req, res) => {
    res.json(await rejectionReport(deps.reads, req.query));
  });
  // A report is a few thousand lines at most (744 hour buckets, or 400 days, times its groups): built whole.
  app.get('/admin/reports/rejections.csv', async (req, res) => {
    const report = await rejectionReport(deps.reads, req.query);
    // Quoted, as every download of the admin API names its file (the name is ASCII letters, digits and dashes).
    res
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${rejectionReportFileName(report)}"`)
      .send(rejectionReportCsv(report));
  });
}
