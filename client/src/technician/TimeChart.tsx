import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
}

/** Hours and minutes in Hanoi time for the x axis, whatever the browser's zone. */
const hanoi = uPlot.tzDate ? (ts: number) => uPlot.tzDate(new Date(ts * 1000), 'Asia/Ho_Chi_Minh') : undefined;

/** One time-series chart (uPlot): epoch-ms timestamps and one or more series; redrawn in place as data grows. */
export function TimeChart({
  title,
  at,
  series,
  height = 150,
}: {
  title: string;
  at: number[];
  series: ChartSeries[];
  height?: number;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const element = host.current;
    if (element === null) {
      return undefined;
    }
    const options: uPlot.Options = {
      title,
      width: Math.max(240, element.clientWidth),
      height,
      ...(hanoi === undefined ? {} : { tzDate: hanoi }),
      scales: { x: { time: true } },
      // Series names only: live values under the cursor would reflow the panel on every mouse move.
      legend: { live: false },
      axes: [{ values: '{HH}:{mm}' as never }, {}],
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, spanGaps: false }))],
    };
    plot.current = new uPlot(options, [[], ...series.map(() => [])], element);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(240, element.clientWidth), height }),
    );
    resize.observe(element);

    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the chart's shape changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [title, shape, height]);

  useEffect(() => {
    plot.current?.setData([at.map((ms) => ms / 1000), ...series.map((s) => s.values)] as uPlot.AlignedData);
  }, [at, series]);

  return <div className="time-chart" ref={host} data-testid="time-chart" />;
}
