import { ApiError } from './api.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, el, shown } from './dom.js';
import { formatTime, json } from './format.js';
import { messageOf } from './bulk-actions.js';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Entry} Entry
 */

/**
 * One entry: every field, its request, its attempts; replay and delete.
 */
export class DetailView {
  /**
   * @param {() => Api} api
   * @param {(text: string) => void} announce
   */
  constructor(api, announce) {
    this.api = api;
    this.announce = announce;
    /** @type {Entry | null} */
    this.entry = null;
    byId('detail-replay', HTMLButtonElement).addEventListener('click', () => void this.replay());
    byId('detail-delete', HTMLButtonElement).addEventListener('click', () => void this.remove());
  }

  /** @param {string} id */
  async show(id) {
    this.clear('Loading…');
    try {
      this.render(await this.api().get(id));
      this.setButtons(true);
    } catch (error) {
      this.clear(`Dead letter ${id}`);
      this.outcome(
        false,
        error instanceof ApiError && error.status === 404
          ? 'This entry is no longer in the queue.'
          : messageOf(error),
      );
    }
    byId('detail-title', HTMLHeadingElement).focus();
  }

  /** @param {string} title */
  clear(title) {
    this.entry = null;
    this.setButtons(false);
    byId('detail-title', HTMLHeadingElement).textContent = title;
    for (const part of [
      'detail-outcome',
      'detail-fields',
      'detail-request',
      'detail-headers',
      'detail-attempts',
    ]) {
      byId(part, HTMLElement).replaceChildren();
    }
    byId('detail-params', HTMLPreElement).textContent = '';
  }

  /** @param {Entry} entry */
  render(entry) {
    this.entry = entry;
    byId('detail-title', HTMLHeadingElement).textContent = `Dead letter ${entry.id}`;
    /** @type {Array<[string, string]>} */
    const fields = [
      ['Operation', entry.operation],
      ['Client id', entry.clientId],
      ['Tool', entry.toolName ?? '(none)'],
      ['Server URL', entry.serverUrl],
      ['Status', entry.status],
      ['Error', entry.error],
      ['Error class', entry.errorClass],
      [
        'Delivery unknown',
        entry.deliveryUnknown
          ? 'yes: the tool may already have run; a replay asks first and sends force'
          : 'no',
      ],
      ['Retries', String(entry.retryCount)],
      ['Replay count', String(entry.replayCount)],
      ['First attempt', formatTime(entry.firstAttemptAt)],
      ['Failed at', formatTime(entry.failedAt)],
      ['Expires at', formatTime(entry.expiresAt)],
    ];
    if (entry.priority !== undefined) fields.push(['Priority', entry.priority]);
    // The id to look the failed call up by in the app's tracing backend.
    if (entry.traceparent !== undefined) fields.push(['Trace id', entry.traceparent.split('-')[1]]);
    fields.push(...dedupAndRedrive(entry));
    if (entry.argumentsTruncated)
      fields.push(['Arguments', 'truncated (larger than the store keeps)']);
    byId('detail-fields', HTMLDListElement).replaceChildren(...definitions(fields));
    byId('detail-request', HTMLDListElement).replaceChildren(
      ...definitions([['Method', entry.request.method]]),
    );
    byId('detail-params', HTMLPreElement).textContent = shown(json(entry.request.params));
    byId('detail-headers', HTMLTableSectionElement).replaceChildren(
      ...Object.entries(entry.request.headers).map(([name, value]) =>
        el('tr', {}, [el('td', {}, [name]), el('td', {}, [value])]),
      ),
    );
    byId('detail-attempts', HTMLTableSectionElement).replaceChildren(
      ...entry.attempts.map((attempt, i) =>
        el('tr', {}, [
          el('td', { class: 'num' }, [i + 1]),
          el('td', {}, [el('time', { datetime: attempt.at }, [formatTime(attempt.at)])]),
          el('td', { class: 'num' }, [`${attempt.durationMs} ms`]),
          el('td', {}, [statusOrCode(attempt)]),
          el('td', {}, [attempt.errorClass]),
          el('td', { class: 'error-cell' }, [attempt.message]),
        ]),
      ),
    );
  }

  async replay() {
    const entry = this.entry;
    if (!entry) return;
    if (entry.deliveryUnknown) {
      const answer = await confirmAction({
        title: 'Replay a call that may already have run?',
        text: 'This call failed after it may have reached the server: its tool may already have run, and a replay may run it twice.',
        confirmLabel: 'Replay anyway',
        danger: true,
      });
      if (!answer.confirmed) return;
    }
    this.setButtons(false);
    this.announce('Replaying…');
    try {
      const { result } = await this.api().replay(entry.id, entry.deliveryUnknown === true);
      this.entry = null;
      this.outcome(
        true,
        'Replayed: the call succeeded and the entry left the queue. Result:',
        json(result),
      );
      this.announce('');
    } catch (error) {
      const status = error instanceof ApiError ? ` (HTTP ${error.status})` : '';
      this.outcome(false, `Replay failed${status}: ${messageOf(error)}`);
      this.announce('');
      // The store counted the replay and kept its attempts: show them.
      const again = await this.api()
        .get(entry.id)
        .catch(() => null);
      if (again) this.render(again);
      this.setButtons(again !== null);
    }
  }

  async remove() {
    const entry = this.entry;
    if (!entry) return;
    const answer = await confirmAction({
      title: 'Delete this dead letter?',
      text: `Entry ${entry.id} (${entry.toolName ?? entry.operation}) is removed for good and cannot be replayed.`,
      confirmLabel: 'Delete',
      danger: true,
    });
    if (!answer.confirmed) return;
    try {
      await this.api().remove(entry.id);
      this.announce(`Deleted entry ${entry.id}.`);
      window.location.hash = '#/';
    } catch (error) {
      this.outcome(false, `Delete failed: ${messageOf(error)}`);
    }
  }

  /**
   * @param {boolean} ok
   * @param {string} message
   * @param {string} [detail]
   */
  outcome(ok, message, detail) {
    byId('detail-outcome', HTMLDivElement).replaceChildren(
      el('p', { class: ok ? 'ok-text' : 'error-text' }, [message]),
      detail === undefined ? '' : el('pre', { class: 'code', tabindex: '0' }, [detail]),
    );
  }

  /** @param {boolean} enabled */
  setButtons(enabled) {
    byId('detail-replay', HTMLButtonElement).disabled = !enabled;
    byId('detail-delete', HTMLButtonElement).disabled = !enabled;
  }
}

/**
 * Occurrences (the store folds repeats of one failure into one entry) and the automatic redrive,
 * when the store recorded them.
 * @param {Entry} entry
 * @returns {Array<[string, string]>}
 */
function dedupAndRedrive(entry) {
  /** @type {Array<[string, string]>} */
  const fields = [];
  if (entry.occurrences !== undefined) fields.push(['Occurrences', String(entry.occurrences)]);
  if (entry.lastFailedAt !== undefined)
    fields.push(['Last failed at', formatTime(entry.lastFailedAt)]);
  if (entry.redriveCount !== undefined) fields.push(['Redrives', String(entry.redriveCount)]);
  if (entry.nextRedriveAt !== undefined)
    fields.push(['Next redrive', formatTime(entry.nextRedriveAt)]);
  if (entry.redriveExhausted)
    fields.push(['Redrive exhausted', 'yes: automatic redrives stopped; replay or delete it']);
  return fields;
}

/** @param {Array<[string, string]>} pairs */
function definitions(pairs) {
  return pairs.flatMap(([term, value]) => [el('dt', {}, [term]), el('dd', {}, [value])]);
}

/** @param {import('./api.js').Attempt} attempt */
function statusOrCode(attempt) {
  if (attempt.status !== undefined) return `HTTP ${attempt.status}`;
  if (attempt.code !== undefined) return `JSON-RPC ${attempt.code}`;
  return '-';
}
