import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, MarkAreaComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { GradePeriod } from '../api/types';

echarts.use([LineChart, GridComponent, TooltipComponent, MarkAreaComponent, CanvasRenderer]);

const LEVELS = ['ungraded', 'E', 'D', 'C', 'B', 'A'];
const level = (grade: string) => Math.max(0, LEVELS.indexOf(grade));

/** A grade history as a step chart: one step per period, valid time along the x axis. */
export function GradeChart({
  periods,
  today,
  label,
}: {
  periods: GradePeriod[];
  today: string;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const points: [string, number][] = [];
    for (const p of periods) {
      points.push([p.from, level(p.grade)]);
      points.push([p.to ?? today, level(p.grade)]);
    }
    chart.setOption({
      animation: false,
      grid: { left: 70, right: 24, top: 16, bottom: 32 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number) => LEVELS[v] ?? String(v),
      },
      xAxis: { type: 'time' },
      yAxis: {
        type: 'value',
        min: 0,
        max: LEVELS.length - 1,
        interval: 1,
        axisLabel: { formatter: (v: number) => (LEVELS[v] === 'ungraded' ? '—' : LEVELS[v]) },
      },
      series: [{ type: 'line', step: 'end', data: points, symbolSize: 6, lineStyle: { width: 3 } }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [periods, today]);
  return <div ref={ref} className="grade-chart" role="img" aria-label={label} />;
}
