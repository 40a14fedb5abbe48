import { drawChart } from './chart.js';
import { byId, el } from './dom.js';
import { ago, formatAge } from './format.js';

/** @typedef {import('./api.js').Api} Api */

/** Entries read for the chart: the newest ones, one page of the API's largest size. */
const CHART_ENTRIES = 500;

/**
 * Reads /dlq/stats and the newest entries, and shows totals, breakdowns and the chart.
 * @param {Api} api
 */
export async function refreshOverview(api) {
  const [stats, newest] = await Promise.all([api.stats(), api.list({ limit: CHART_ENTRIES })]);
  const now = Date.now();
  byId('overview-totals', HTMLDivElement).replaceChildren(
    total('Dead letters', String(stats.total)),
    total(
      'Oldest entry',
      stats.oldestAgeSeconds === null ? 'none' : formatAge(stats.oldestAgeSeconds),
    ),
    total('Newest entry', stats.newestAt === null ? 'none' : ago(stats.newestAt, now)),
    total('Error classes', String(Object.keys(stats.byErrorClass).length)),
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
  const shown = newest.items.length;
  byId('chart-caption', HTMLElement).textContent =
    shown < stats.total
      ? `Dead letters over time, by error class (the newest ${shown} of ${stats.total})`
      : 'Dead letters over time, by error class';
  drawChart(
    byId('chart', HTMLDivElement),
    byId('chart-legend', HTMLUListElement),
    newest.items,
    now,
  );
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
