import { ApiError, createApi } from './api.js';
import { cleanupOlderThan, deleteEntries, messageOf, replayEntries } from './bulk-actions.js';
import { isAsking } from './confirm-dialog.js';
import { DetailView } from './detail-view.js';
import { byId } from './dom.js';
import { JobsPanel } from './jobs-panel.js';
import { ListView, NO_FILTERS } from './list-view.js';
import { refreshOverview } from './overview.js';

/** @typedef {import('./api.js').Api} Api */

const REFRESH_MS = 5000;
const ENTRY_ROUTE = /^#\/entries\/([0-9A-Z]{26})$/;

/** @type {Api | null} */
let api = null;
let busy = false;
let again = false;
/** The refresh under way (or the last one): a bulk action waits for it rather than drop the click. */
let refreshing = Promise.resolve();
/** A bulk action is being asked or run: a second click is ignored. */
let acting = false;
/** @type {ReturnType<typeof setInterval> | undefined} */
let timer;

const signedIn = () => {
  if (!api) throw new Error('signed out');
  return api;
};
const list = new ListView(signedIn);
const detail = new DetailView(signedIn, announce);
const jobs = new JobsPanel(
  signedIn,
  () => list.jobFilter(),
  () => void refresh(),
  announce,
  filtersUnapplied,
);

const keyInput = byId('api-key', HTMLInputElement);
const signInError = byId('sign-in-error', HTMLParagraphElement);
const listMessage = byId('list-message', HTMLParagraphElement);
const filtersForm = byId('filters', HTMLFormElement);

/** @param {string} text */
function announce(text) {
  byId('status', HTMLParagraphElement).textContent = text;
}

byId('sign-in-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  void signIn(keyInput.value.trim());
});

/** @param {string} key */
async function signIn(key) {
  signInError.textContent = '';
  keyInput.removeAttribute('aria-invalid');
  if (key === '') return refuse('Enter the API key.');
  const candidate = createApi(key, () => {
    // An action's 401 signs out at once, as a refresh's does.
    if (api === candidate) signOut('The API key is no longer accepted: sign in again.');
  });
  try {
    await candidate.stats();
  } catch (error) {
    return refuse(
      error instanceof ApiError && error.status === 401
        ? 'This API key was refused. Check it and try again.'
        : `Could not sign in: ${messageOf(error)}`,
    );
  }
  api = candidate;
  keyInput.value = '';
  byId('sign-in-view', HTMLElement).hidden = true;
  byId('app-view', HTMLDivElement).hidden = false;
  byId('sign-out', HTMLButtonElement).hidden = false;
  byId('signed-in-note', HTMLParagraphElement).hidden = false;
  announce('Signed in.');
  clearInterval(timer);
  timer = setInterval(() => void autoRefresh(), REFRESH_MS);
  // route() shows the overview before it reads anything: the keyboard leaves the hidden form now,
  // not once the queue has been read.
  const routed = route();
  if (!ENTRY_ROUTE.test(window.location.hash)) byId('overview-title', HTMLHeadingElement).focus();
  await routed;
}

/** @param {string} message */
function refuse(message) {
  signInError.textContent = message;
  keyInput.setAttribute('aria-invalid', 'true');
  keyInput.focus();
}

/**
 * Forgets the key and everything the page showed: the open entry, the overview, the list, the
 * jobs, the filter suggestions, the filters and the entry route.
 * @param {string} [message]
 */
function signOut(message = 'Signed out.') {
  // Answers still on their way are dropped (see createApi), so the refresh waiting on them never
  // ends: the next sign-in must not wait for it.
  api?.close();
  api = null;
  busy = false;
  again = false;
  // A bulk action waiting on a dropped answer never reaches its own reset: the buttons must work
  // again after the next sign-in.
  acting = false;
  clearInterval(timer);
  list.clear();
  jobs.clear();
  detail.clear('Dead letter');
  for (const id of [
    'overview-totals',
    'overview-breakdowns',
    'chart',
    'chart-legend',
    'client-ids',
    'error-classes',
  ]) {
    byId(id, HTMLElement).replaceChildren();
  }
  byId('chart-caption', HTMLElement).textContent = 'Dead letters over time, by error class';
  filtersForm.reset();
  // Replaced, not pushed: no hashchange (nothing to route while signed out), no history entry.
  if (window.location.hash !== '#/') window.history.replaceState(null, '', '#/');
  listMessage.textContent = '';
  byId('cleanup-result', HTMLParagraphElement).textContent = '';
  byId('app-view', HTMLDivElement).hidden = true;
  byId('sign-out', HTMLButtonElement).hidden = true;
  byId('signed-in-note', HTMLParagraphElement).hidden = true;
  byId('sign-in-view', HTMLElement).hidden = false;
  announce(message);
  keyInput.focus();
}

byId('sign-out', HTMLButtonElement).addEventListener('click', () => signOut());

/** Shows the list (with the overview) or one entry, after the hash. */
async function route() {
  if (!api) return;
  const match = ENTRY_ROUTE.exec(window.location.hash);
  for (const id of ['overview', 'list-view', 'jobs', 'cleanup'])
    byId(id, HTMLElement).hidden = match !== null;
  byId('detail-view', HTMLElement).hidden = match === null;
  if (match) await detail.show(match[1]);
  else await refresh();
}

window.addEventListener('hashchange', () => void route());

async function refresh() {
  if (!api) return;
  // A click (first page, a filter) during a refresh is not dropped: it runs once that one ends.
  if (busy) {
    again = true;
    return;
  }
  busy = true;
  again = false;
  refreshing = loadQueue(api);
  await refreshing;
  if (again) await refresh();
}

/**
 * Reads the overview, the list and the jobs once; settles either way.
 * @param {Api} signed
 */
async function loadQueue(signed) {
  try {
    await Promise.all([refreshOverview(signed), list.load(), jobs.load()]);
    if (listMessage.dataset.kind === 'error') setListMessage('');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut('The API key is no longer accepted: sign in again.');
    } else {
      setListMessage(`Could not load the queue: ${messageOf(error)}`, 'error');
    }
  } finally {
    busy = false;
  }
}

/** Every few seconds, unless paused, hidden, on an entry, or while asking or acting. */
async function autoRefresh() {
  const onEntry = ENTRY_ROUTE.test(window.location.hash);
  if (!byId('auto-refresh', HTMLInputElement).checked || document.hidden || onEntry || isAsking())
    return;
  await refresh();
}

/**
 * @param {string} text
 * @param {'error' | 'info'} [kind]
 */
function setListMessage(text, kind = 'info') {
  listMessage.textContent = text;
  listMessage.dataset.kind = kind;
  listMessage.className = kind === 'error' ? 'list-message error-text' : 'list-message';
}

/** The filters a bulk replay job takes (the sort is the list's only). */
const JOB_FILTER_KEYS = /** @type {const} */ ([
  'operation',
  'clientId',
  'errorClass',
  'priority',
  'age',
]);

/** The filters as the form holds them now, applied or not. */
function formFilters() {
  const data = new FormData(filtersForm);
  const value = (/** @type {string} */ name) => String(data.get(name) ?? '').trim();
  return {
    operation: value('operation'),
    clientId: value('clientId'),
    errorClass: value('errorClass'),
    priority: value('priority'),
    sort: value('sort') || 'newest',
    age: value('age'),
  };
}

/** Whether the form holds filters other than those applied (a job would not use them). */
function filtersUnapplied() {
  const typed = formFilters();
  return JOB_FILTER_KEYS.some((key) => typed[key] !== list.filters[key]);
}

filtersForm.addEventListener('submit', (event) => {
  event.preventDefault();
  setListMessage('');
  list.setFilters(formFilters());
  void refresh();
});
filtersForm.addEventListener('reset', () => {
  // The form clears its fields after this event.
  setTimeout(() => {
    list.setFilters({ ...NO_FILTERS });
    void refresh();
  });
});

byId('page-first', HTMLButtonElement).addEventListener('click', () => {
  list.firstPage();
  void refresh();
});
byId('page-previous', HTMLButtonElement).addEventListener('click', () => {
  list.previousPage();
  void refresh();
});
byId('page-next', HTMLButtonElement).addEventListener('click', () => {
  list.nextPage();
  void refresh();
});
byId('select-page', HTMLInputElement).addEventListener('change', (event) => {
  list.selectPage(/** @type {HTMLInputElement} */ (event.target).checked);
});

/** @param {typeof replayEntries} action */
async function onSelected(action) {
  if (acting) return;
  acting = true;
  try {
    // A refresh under way (the list read again, the auto refresh) keeps the selection: wait for
    // it, or the click would be lost.
    while (busy) await refreshing;
    const entries = [...list.selected.values()];
    if (entries.length === 0) return;
    busy = true;
    try {
      const summary = await action(signedIn(), entries, (text) => setListMessage(text));
      if (summary !== null) {
        list.selected.clear();
        setListMessage(summary);
      }
    } catch (error) {
      setListMessage(messageOf(error), 'error');
    } finally {
      busy = false;
    }
    await refresh();
  } finally {
    acting = false;
  }
}

byId('replay-selected', HTMLButtonElement).addEventListener(
  'click',
  () => void onSelected(replayEntries),
);
byId('delete-selected', HTMLButtonElement).addEventListener(
  'click',
  () => void onSelected(deleteEntries),
);

byId('cleanup-form', HTMLFormElement).addEventListener('submit', (event) => {
  event.preventDefault();
  const result = byId('cleanup-result', HTMLParagraphElement);
  const olderThan = byId('cleanup-age', HTMLInputElement).value.trim();
  result.className = '';
  void cleanupOlderThan(signedIn(), olderThan)
    .then(async (summary) => {
      if (summary === null) return;
      result.textContent = summary;
      await refresh();
    })
    .catch((error) => {
      result.textContent = messageOf(error);
      result.className = 'error-text';
    });
});

keyInput.focus();
