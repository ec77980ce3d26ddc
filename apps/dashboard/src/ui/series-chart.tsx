import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SeriesDay } from '../api/types';

export const SERIES = [
  { field: 'starts', label: 'Starts', color: '#1d4ed8' },
  { field: 'confirms', label: 'Confirms', color: '#15803d' },
  { field: 'cancels', label: 'Cancels', color: '#b45309' },
  { field: 'trashes', label: 'Trashes', color: '#b91c1c' },
  { field: 'organic', label: 'Organic joins', color: '#6d28d9' },
] as const;

const HEIGHT = 260;

/** The daily series as lines; the days are the API's calendar days, drawn on a UTC axis so labels match them. */
export function SeriesChart({ days }: { days: SeriesDay[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const xs = days.map((d) => Date.parse(`${d.date}T00:00:00Z`) / 1000);
    const data: uPlot.AlignedData = [xs, ...SERIES.map((s) => days.map((d) => d[s.field]))];
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [{ label: 'Day' }, ...SERIES.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
        axes: [{}, { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : '')) }],
      },
      data,
      el,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days]);
  return (
    <div
      ref={box}
      class="chart"
      data-testid="series-chart"
      role="img"
      aria-label="Daily starts, confirms, cancels, trashes and organic joins; the same numbers follow as a table"
    />
  );
}
