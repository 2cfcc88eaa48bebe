// Sign-ins over time (succeeded and failed), for the last 24 hours, 7 days or 30 days, as a bar chart with its
// figures as a table and a one-sentence summary for screen readers.
import { useState } from 'react';
import { useLive } from '../../../api/live';
import { statusApi, type LoginsChart, type LoginsRange } from '../../../api/status';
import { BarChart, type ChartBucket } from '../../../components/bar-chart';
import { LoadProblem } from '../../../components/load-problem';
import { Loading } from '../../../components/notice';
import { useLoader } from '../../../components/use-loader';

const RANGES: Array<{ value: LoginsRange; label: string; words: string }> = [
  { value: '24h', label: '24 hours', words: 'in the last 24 hours' },
  { value: '7d', label: '7 days', words: 'in the last 7 days' },
  { value: '30d', label: '30 days', words: 'in the last 30 days' },
];

const SERIES = [
  { name: 'Succeeded', className: 'series-succeeded' },
  { name: 'Failed', className: 'series-failed' },
];

const hourLabel = new Intl.DateTimeFormat(undefined, { hour: 'numeric' });
// Day buckets are whole UTC days (the server counts them so): named in UTC, or west of Greenwich each would show
// as the day before.
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const fullHour = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const fullDay = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'short', day: 'numeric', timeZone: 'UTC' });

function bucketsOf(chart: LoginsChart): ChartBucket[] {
  const hourly = chart.bucketSeconds < 86_400;
  return chart.buckets.map((bucket) => {
    const start = new Date(bucket.start);
    return {
      label: (hourly ? hourLabel : dayLabel).format(start),
      fullLabel: (hourly ? fullHour : fullDay).format(start),
      values: [bucket.succeeded, bucket.failed],
    };
  });
}

function summaryOf(chart: LoginsChart, words: string): string {
  const succeeded = chart.buckets.reduce((sum, bucket) => sum + bucket.succeeded, 0);
  const failed = chart.buckets.reduce((sum, bucket) => sum + bucket.failed, 0);
  if (succeeded + failed === 0) return `No sign-ins ${words}.`;
  return `${succeeded} ${succeeded === 1 ? 'sign-in' : 'sign-ins'} succeeded and ${failed} failed ${words}.`;
}

export function LoginsChartSection() {
  const [range, setRange] = useState<LoginsRange>('24h');
  const chart = useLoader(() => statusApi.logins(range), [range]);
  useLive(['sessions'], () => chart.reload(true));
  const words = RANGES.find((one) => one.value === range)!.words;
  return (
    <section className="card panel" aria-labelledby="logins-heading">
      <div className="panel-title">
        <h2 id="logins-heading">Sign-ins</h2>
        <div className="segmented" role="group" aria-label="Time range">
          {RANGES.map((one) => (
            <button key={one.value} type="button" className="segment" aria-pressed={range === one.value} onClick={() => setRange(one.value)}>
              {one.label}
            </button>
          ))}
        </div>
      </div>
      {chart.error && <LoadProblem error={chart.error} onRetry={() => chart.reload()} />}
      {!chart.data ? (
        !chart.error && <Loading>Loading the chart…</Loading>
      ) : (
        <div aria-busy={chart.loading}>
          <BarChart title={`Sign-ins ${words}`} summary={summaryOf(chart.data, words)} series={SERIES} buckets={bucketsOf(chart.data)} />
        </div>
      )}
    </section>
  );
}
