import { bucketFor, CHART_BUCKETS, drawChart } from './chart.js';
import { byId, el } from './dom.js';
import { ago, formatAge } from './format.js';

/** @typedef {import('./api.js').Api} Api */

/**
 * Reads /dlq/stats, then the timeline its oldest entry calls for (counts only, no entries), and
 * shows totals, breakdowns and the chart.
 * @param {Api} api
 */
export async function refreshOverview(api) {
  const stats = await api.stats();
  const timeline = await api.timeline({
    bucket: String(bucketFor(stats.oldestAgeSeconds)),
    buckets: CHART_BUCKETS,
    classes: 7,
  });
  const now = Date.now();
  byId('overview-totals', HTMLDivElement).replaceChildren(
    total('Dead letters', String(stats.total)),
    total(
      'Oldest entry',
      stats.oldestAgeSeconds === null ? 'none' : formatAge(stats.oldestAgeSeconds),
    ),
    total('Newest entry', stats.newestAt === null ? 'none' : ago(stats.newestAt, now)),
    total('Error classes', String(stats.errorClassCount ?? Object.keys(stats.byErrorClass).length)),
    stats.dueForRedrive === undefined ? '' : total('Due for redrive', String(stats.dueForRedrive)),
  );
  const breakdowns = [
    breakdown('By operation', 'Operation', stats.byOperation),
    breakdown('By client id', 'Client id', stats.byClientId),
    breakdown('By error class', 'Error class', stats.byErrorClass),
  ];
  // Priority exists once the store records it; older stores leave it out.
  if (stats.byPriority) breakdowns.push(breakdown('By priority', 'Priority', stats.byPriority));
  byId('overview-breakdowns', HTMLDivElement).replaceChildren(...breakdowns);
  fillOptions(byId('client-ids', HTMLDataListElement), Object.keys(stats.byClientId));
  fillOptions(byId('error-classes', HTMLDataListElement), Object.keys(stats.byErrorClass));
  byId('chart-caption', HTMLElement).textContent =
    `Dead letters over time, by error class: ${CHART_BUCKETS} bars of ${formatAge(timeline.bucketMs / 1000)}`;
  drawChart(byId('chart', HTMLDivElement), byId('chart-legend', HTMLUListElement), timeline);
}

/**
 * @param {string} label
 * @param {string} value
 */
function total(label, value) {
  return el('div', { class: 'total' }, [
    el('div', { class: 'total-label' }, [label]),
    el('div', { class: 'total-value' }, [value]),
  ]);
}

/**
 * @param {string} title
 * @param {string} column
 * @param {Record<string, number | undefined>} counts
 */
function breakdown(title, column, counts) {
  const rows = Object.entries(counts)
    .filter(([, n]) => n !== undefined && n > 0)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  return el('div', { class: 'breakdown' }, [
    el('table', {}, [
      el('caption', { class: 'total-label' }, [title]),
      el('thead', {}, [
        el('tr', {}, [el('th', { scope: 'col' }, [column]), el('th', { scope: 'col' }, ['Count'])]),
      ]),
      el(
        'tbody',
        {},
        rows.length === 0
          ? [el('tr', {}, [el('td', { colspan: '2' }, ['none'])])]
          : rows.map(([name, n]) =>
              el('tr', {}, [el('td', {}, [name]), el('td', { class: 'num' }, [n])]),
            ),
      ),
    ]),
  ]);
}

/**
 * @param {HTMLDataListElement} list
 * @param {string[]} values
 */
function fillOptions(list, values) {
  list.replaceChildren(...values.map((value) => el('option', { value })));
}
