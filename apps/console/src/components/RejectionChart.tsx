import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RejectionReport } from '../api/types';
import { bucketLabel, chartRowsOf, seriesOf } from '../report/reportSeries';

// Distinct in colour and in lightness, so neighbouring stacks stay apart for colour-blind readers too.
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

/** Rejections per bucket, one stacked bar per bucket, a colour per group (SVG: no style sheet injected). */
export function RejectionChart({ report }: { report: RejectionReport }) {
  const series = seriesOf(report);
  const rows = chartRowsOf(report, series);
  return (
    <figure className="chart" aria-label={`Rejections per ${report.bucket} by ${report.group_by}`}>
      <ResponsiveContainer width="100%" height={320}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="bucket" tickFormatter={(v: string) => bucketLabel(v, report.bucket)} minTickGap={16} />
          <YAxis allowDecimals={false} />
          <Tooltip labelFormatter={(v) => bucketLabel(String(v), report.bucket)} />
          <Legend />
          {series.map((s, i) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="rejections" fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
