import { el, svg } from './dom.js';
import { formatTime } from './format.js';

/** @typedef {import('./api.js').Timeline} Timeline */

// Distinct hues, each at least 4.5:1 against white; the legend names every class in text too.
const PALETTE = ['#0b57d0', '#b3261e', '#146c2e', '#8e4a00', '#6f3fb5', '#00696f', '#a0337a'];
const OTHER_COLOR = '#5c5f62';
/** Bucket widths a chart picks from: the smallest whose 24 buckets reach the oldest entry. */
const BUCKET_SIZES_MS = [
  60e3,
  5 * 60e3,
  15 * 60e3,
  3600e3,
  3 * 3600e3,
  6 * 3600e3,
  12 * 3600e3,
  86400e3,
  7 * 86400e3,
];
export const CHART_BUCKETS = 24;
const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 40;
const BOTTOM = 28;
const TOP = 10;

/**
 * The bucket width whose `CHART_BUCKETS` buckets, ending now, cover an oldest entry this old.
 * @param {number | null} oldestAgeSeconds
 */
export function bucketFor(oldestAgeSeconds) {
  const span = Math.max((oldestAgeSeconds ?? 0) * 1000, 1);
  return BUCKET_SIZES_MS.find((ms) => span / ms < CHART_BUCKETS) ?? BUCKET_SIZES_MS.at(-1) ?? 60e3;
}

/**
 * Draws a timeline (counts per bucket by error class, from `GET /dlq/timeline`) as stacked bars,
 * one colour per class and grey for the rest, as SVG built with DOM calls.
 * @param {Element} container
 * @param {Element} legend
 * @param {Timeline} timeline
 */
export function drawChart(container, legend, timeline) {
  const { bucketMs: size, series } = timeline;
  const first = Date.parse(timeline.startAt);
  const bucketCount = series[0]?.counts.length ?? 0;
  const totals = Array.from({ length: bucketCount }, (_, i) =>
    series.reduce((sum, s) => sum + (s.counts[i] ?? 0), 0),
  );
  const total = totals.reduce((a, n) => a + n, 0);
  if (total === 0) {
    container.replaceChildren(el('p', {}, ['No dead letters to chart.']));
    legend.replaceChildren();
    return;
  }
  const shown = series.filter((s) => s.counts.some((n) => n > 0));
  /** @param {string | null} errorClass */
  const colorOf = (errorClass) => {
    const at = series.findIndex((s) => s.errorClass === errorClass);
    return errorClass === null ? OTHER_COLOR : (PALETTE[at % PALETTE.length] ?? OTHER_COLOR);
  };
  /** @param {string | null} errorClass */
  const nameOf = (errorClass) => errorClass ?? 'other';
  const max = Math.max(...totals, 1);
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const barWidth = plotWidth / bucketCount;
  const end = first + bucketCount * size;
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': `${total} dead letters from ${formatTime(new Date(first).toISOString())} to ${formatTime(new Date(end).toISOString())}: ${shown.map((s) => `${nameOf(s.errorClass)} ${s.counts.reduce((a, n) => a + n, 0)}`).join(', ')}`,
  });
  for (const value of [0, Math.ceil(max / 2), max]) {
    const y = TOP + plotHeight - (value / max) * plotHeight;
    root.append(
      svg('line', {
        class: 'axis',
        x1: LEFT,
        x2: WIDTH - 8,
        y1: y,
        y2: y,
        'stroke-opacity': value === 0 ? 1 : 0.25,
      }),
    );
    root.append(
      svg('text', { class: 'tick', x: LEFT - 6, y: y + 4, 'text-anchor': 'end' }, String(value)),
    );
  }
  for (let i = 0; i < bucketCount; i += 1) {
    let y = TOP + plotHeight;
    for (const { errorClass, counts } of shown) {
      const count = counts[i] ?? 0;
      if (count === 0) continue;
      const height = (count / max) * plotHeight;
      y -= height;
      const rect = svg('rect', {
        x: LEFT + i * barWidth + 1,
        y,
        width: Math.max(barWidth - 2, 1),
        height,
        fill: colorOf(errorClass),
      });
      rect.append(
        svg(
          'title',
          {},
          `${nameOf(errorClass)}: ${count} from ${formatTime(new Date(first + i * size).toISOString())}`,
        ),
      );
      root.append(rect);
    }
  }
  for (const i of new Set([0, Math.floor(bucketCount / 2), bucketCount - 1])) {
    const label = formatTime(new Date(first + i * size).toISOString()).slice(
      size >= 86400e3 ? 0 : 11,
      size >= 86400e3 ? 10 : 16,
    );
    root.append(
      svg(
        'text',
        {
          class: 'tick',
          x: LEFT + i * barWidth + barWidth / 2,
          y: HEIGHT - 8,
          'text-anchor': 'middle',
        },
        label,
      ),
    );
  }
  container.replaceChildren(root);
  legend.replaceChildren(
    ...shown.map((s) => el('li', {}, [swatch(colorOf(s.errorClass)), nameOf(s.errorClass)])),
  );
}

/** @param {string} color */
function swatch(color) {
  const box = svg('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true' });
  box.append(svg('rect', { width: 10, height: 10, fill: color }));
  return box;
}
