import { el, svg } from './dom.js';
import { formatTime } from './format.js';

/** @typedef {import('./api.js').Entry} Entry */

// Distinct hues, each at least 4.5:1 against white; the legend names every class in text too.
const PALETTE = ['#0b57d0', '#b3261e', '#146c2e', '#8e4a00', '#6f3fb5', '#00696f', '#a0337a'];
const OTHER_COLOR = '#5c5f62';
const BUCKET_SIZES_MS = [
  60e3,
  5 * 60e3,
  15 * 60e3,
  3600e3,
  3 * 3600e3,
  6 * 3600e3,
  12 * 3600e3,
  86400e3,
];
const MAX_BUCKETS = 24;
const WIDTH = 720;
const HEIGHT = 240;
const LEFT = 40;
const BOTTOM = 28;
const TOP = 10;

/**
 * Draws `entries` as stacked bars of dead letters per time bucket, one colour per error class,
 * as SVG built with DOM calls (the top 7 classes by count, the rest as "other").
 * @param {Element} container
 * @param {Element} legend
 * @param {Entry[]} entries
 * @param {number} now
 */
export function drawChart(container, legend, entries, now) {
  if (entries.length === 0) {
    container.replaceChildren(el('p', {}, ['No dead letters to chart.']));
    legend.replaceChildren();
    return;
  }
  const times = entries.map((e) => Date.parse(e.failedAt)).filter((t) => !Number.isNaN(t));
  const start = Math.min(...times);
  const span = Math.max(now - start, 1);
  const size = BUCKET_SIZES_MS.find((ms) => span / ms <= MAX_BUCKETS) ?? 7 * 86400e3;
  // A fixed number of buckets ending now, so the time axis reads the same at any span.
  const bucketCount = MAX_BUCKETS;
  const first = (Math.floor(now / size) - bucketCount + 1) * size;
  const classes = topClasses(entries);
  const colorOf = (/** @type {string} */ c) => classes.get(c) ?? OTHER_COLOR;
  /** @type {Array<Map<string, number>>} */
  const buckets = Array.from({ length: bucketCount }, () => new Map());
  for (const entry of entries) {
    const at = Date.parse(entry.failedAt);
    if (Number.isNaN(at)) continue;
    const bucket = buckets[Math.min(bucketCount - 1, Math.max(0, Math.floor((at - first) / size)))];
    const key = classes.has(entry.errorClass) ? entry.errorClass : 'other';
    bucket.set(key, (bucket.get(key) ?? 0) + 1);
  }
  const max = Math.max(...buckets.map((b) => [...b.values()].reduce((a, n) => a + n, 0)), 1);
  const plotWidth = WIDTH - LEFT - 8;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const barWidth = plotWidth / bucketCount;
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': summary(entries, classes, start, now),
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
  buckets.forEach((bucket, i) => {
    let y = TOP + plotHeight;
    for (const [errorClass, count] of bucket) {
      const height = (count / max) * plotHeight;
      y -= height;
      const rect = svg('rect', {
        x: LEFT + i * barWidth + 1,
        y,
        width: Math.max(barWidth - 2, 1),
        height,
        fill: errorClass === 'other' ? OTHER_COLOR : colorOf(errorClass),
      });
      rect.append(
        svg(
          'title',
          {},
          `${errorClass}: ${count} from ${formatTime(new Date(first + i * size).toISOString())}`,
        ),
      );
      root.append(rect);
    }
  });
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
    ...[
      ...classes,
      ...(entries.some((e) => !classes.has(e.errorClass)) ? [['other', OTHER_COLOR]] : []),
    ].map(([name, color]) => el('li', {}, [swatch(color), name])),
  );
}

/**
 * The most frequent error classes, with their colours.
 * @param {Entry[]} entries
 * @returns {Map<string, string>}
 */
function topClasses(entries) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const e of entries) counts.set(e.errorClass, (counts.get(e.errorClass) ?? 0) + 1);
  const top = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, PALETTE.length);
  return new Map(top.map(([name], i) => [name, PALETTE[i]]));
}

/**
 * @param {Entry[]} entries
 * @param {Map<string, string>} classes
 * @param {number} start
 * @param {number} now
 */
function summary(entries, classes, start, now) {
  const parts = [...classes.keys()].map(
    (c) => `${c} ${entries.filter((e) => e.errorClass === c).length}`,
  );
  return `${entries.length} dead letters from ${formatTime(new Date(start).toISOString())} to ${formatTime(new Date(now).toISOString())}: ${parts.join(', ')}`;
}

/** @param {string} color */
function swatch(color) {
  const box = svg('svg', { class: 'swatch', viewBox: '0 0 10 10', 'aria-hidden': 'true' });
  box.append(svg('rect', { width: 10, height: 10, fill: color }));
  return box;
}
