// A small stacked bar chart drawn with SVG (sizes as SVG attributes, never style attributes: the pages' CSP
// forbids those), with its figures as a table for those who cannot see it, and a one-line summary as its label.
import { useId } from 'react';

export interface ChartSeries {
  /** What the bars of this series count ("Succeeded"). */
  name: string;
  /** A class that colours it (fill), from styles.css. */
  className: string;
}

export interface ChartBucket {
  /** The bucket's name on the axis and in the table ("14:00", "Mon 3"). */
  label: string;
  /** A fuller name for the tooltip and table ("Mon, Nov 3, 14:00"). */
  fullLabel: string;
  /** One value per series, in the order of `series`. */
  values: number[];
}

const WIDTH = 720;
const HEIGHT = 160;
const GAP_RATIO = 0.2;

export function BarChart({ title, summary, series, buckets }: { title: string; summary: string; series: ChartSeries[]; buckets: ChartBucket[] }) {
  const tableId = useId();
  const totals = buckets.map((bucket) => bucket.values.reduce((sum, value) => sum + value, 0));
  const max = Math.max(1, ...totals);
  const slot = WIDTH / Math.max(1, buckets.length);
  const barWidth = slot * (1 - GAP_RATIO);
  // A few labels under the axis, evenly spaced: six on a wide screen, three on a phone (the minor ones hide).
  const labelEvery = Math.max(1, Math.ceil(buckets.length / 6));
  const labelClass = (index: number) => (index % (labelEvery * 2) === 0 ? undefined : 'label-minor');
  return (
    <figure className="bar-chart">
      <div className="bar-chart-plot">
        <span className="bar-chart-max" aria-hidden="true">{max}</span>
        <svg className="bar-chart-svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" height={HEIGHT} preserveAspectRatio="none" role="img" aria-label={`${title}: ${summary}`}>
          <line className="bar-chart-grid" x1={0} x2={WIDTH} y1={0.5} y2={0.5} vectorEffect="non-scaling-stroke" />
          <line className="bar-chart-grid" x1={0} x2={WIDTH} y1={HEIGHT / 2} y2={HEIGHT / 2} vectorEffect="non-scaling-stroke" />
          {buckets.map((bucket, index) => {
            let top = HEIGHT;
            return (
              <g key={index}>
                <title>{`${bucket.fullLabel}: ${series.map((one, at) => `${bucket.values[at] ?? 0} ${one.name.toLowerCase()}`).join(', ')}`}</title>
                {/* A full-height, invisible target so the tooltip shows over empty buckets too. */}
                <rect className="bar-chart-hit" x={index * slot} y={0} width={slot} height={HEIGHT} />
                {series.map((one, at) => {
                  const value = bucket.values[at] ?? 0;
                  if (value === 0) return null;
                  const height = (value / max) * (HEIGHT - 4);
                  top -= height;
                  return <rect key={one.name} className={one.className} x={index * slot + (slot - barWidth) / 2} y={top} width={barWidth} height={height} />;
                })}
              </g>
            );
          })}
          <line className="bar-chart-axis" x1={0} x2={WIDTH} y1={HEIGHT - 0.5} y2={HEIGHT - 0.5} vectorEffect="non-scaling-stroke" />
        </svg>
        <ol className="bar-chart-labels" aria-hidden="true">
          {buckets.map((bucket, index) => (
            <li key={index} className={index % labelEvery === 0 ? labelClass(index) : undefined}>
              {index % labelEvery === 0 ? bucket.label : ''}
            </li>
          ))}
        </ol>
      </div>
      <figcaption className="bar-chart-legend">
        {series.map((one) => (
          <span key={one.name} className="bar-chart-key">
            <svg width="12" height="12" aria-hidden="true">
              <rect className={one.className} width="12" height="12" rx="2" />
            </svg>
            {one.name}
          </span>
        ))}
        <span className="bar-chart-summary">{summary}</span>
      </figcaption>
      <details className="bar-chart-table">
        <summary>Show the figures as a table</summary>
        <table className="data-table compact-table" id={tableId}>
          <caption className="visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((one) => (
                <th key={one.name} scope="col" className="numeric">
                  {one.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {buckets.map((bucket, index) => (
              <tr key={index}>
                <th scope="row">{bucket.fullLabel}</th>
                {series.map((one, at) => (
                  <td key={one.name} className="numeric" data-label={one.name}>
                    {bucket.values[at] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
