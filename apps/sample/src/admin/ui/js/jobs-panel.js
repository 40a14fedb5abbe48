import { messageOf } from './bulk-actions.js';
import { confirmAction } from './confirm-dialog.js';
import { byId, el } from './dom.js';
import { ago, formatTime } from './format.js';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Job} Job
 * @typedef {import('./api.js').JobFilter} JobFilter
 */

const POLL_MS = 1000;

/** The form's fields: the API's bounds (BulkReplayDto), checked here to name the bad one. */
const FIELDS = /** @type {const} */ ([
  { id: 'job-rate', name: 'rate', label: 'Rate', min: 0.1, max: 1000, integer: false },
  { id: 'job-concurrency', name: 'concurrency', label: 'At once', min: 1, max: 32, integer: true },
  { id: 'job-limit', name: 'limit', label: 'Limit', min: 1, max: 100000, integer: true },
]);

/**
 * Bulk replay jobs: "Replay all matching" starts one over the list's applied filters
 * (POST /dlq/replay), its progress is polled (GET /dlq/jobs/:id) until it ends, it can be
 * cancelled (DELETE), and the recent jobs are listed (GET /dlq/jobs).
 */
export class JobsPanel {
  /**
   * @param {() => Api} api
   * @param {() => JobFilter} filter the list's applied filters
   * @param {() => void} onFinished called when a watched job ends (the list changed)
   * @param {(text: string) => void} announce
   * @param {() => boolean} filtersUnapplied whether the form holds filters not applied yet
   */
  constructor(api, filter, onFinished, announce, filtersUnapplied) {
    this.announce = announce;
    this.filtersUnapplied = filtersUnapplied;
    this.api = api;
    this.filter = filter;
    this.onFinished = onFinished;
    /** @type {Job | null} */
    this.current = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    byId('job-form', HTMLFormElement).addEventListener('submit', (event) => {
      event.preventDefault();
      void this.start();
    });
    byId('job-cancel', HTMLButtonElement).addEventListener('click', () => {
      if (this.current) void this.cancel(this.current.id);
    });
  }

  /** Asks, then starts a job over the applied filters and watches it. */
  async start() {
    const error = byId('job-error', HTMLParagraphElement);
    error.textContent = '';
    const settings = this.settings();
    if (typeof settings === 'string') {
      error.textContent = settings;
      return;
    }
    if (this.filtersUnapplied()) {
      // The job would take the applied filters, not the ones typed: perhaps the whole queue.
      error.textContent =
        'The filters in the form are not applied: apply them (or clear them) before starting a job.';
      return;
    }
    const filter = this.filter();
    const answer = await confirmAction({
      title: 'Replay every matching dead letter?',
      text:
        `A job replays ${describeFilter(filter)}, at most ${settings.limit}, ` +
        `${settings.rate} per second, ${settings.concurrency} at once. ` +
        'Each call is sent again to its server; an entry that succeeds leaves the queue.',
      confirmLabel: 'Start the job',
      option:
        'Also replay entries whose delivery is unknown (the tool may already have run and would run twice)',
    });
    if (!answer.confirmed) return;
    try {
      const job = await this.api().startJob({ ...settings, filter, force: answer.option });
      this.watch(job);
      await this.load();
    } catch (failure) {
      error.textContent = `Could not start the job: ${messageOf(failure)}`;
    }
  }

  /** The form's numbers, or a message naming the first bad field. */
  settings() {
    /** @type {Record<string, number>} */
    const values = {};
    for (const field of FIELDS) {
      const input = byId(field.id, HTMLInputElement);
      const value = Number(input.value);
      const ok =
        input.value.trim() !== '' &&
        value >= field.min &&
        value <= field.max &&
        (!field.integer || Number.isInteger(value));
      input.toggleAttribute('aria-invalid', !ok);
      if (!ok) {
        input.focus();
        const kind = field.integer ? 'a whole number' : 'a number';
        return `${field.label}: enter ${kind} from ${field.min} to ${field.max}.`;
      }
      values[field.name] = value;
    }
    return { rate: values.rate, concurrency: values.concurrency, limit: values.limit };
  }

  /** @param {Job} job shows its progress and polls it while it runs */
  watch(job) {
    clearTimeout(this.timer);
    this.current = job;
    this.renderProgress(job);
    if (job.state === 'running') this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  async poll() {
    const watched = this.current;
    if (!watched) return;
    try {
      const job = await this.api().job(watched.id);
      // Signed out, or another job watched, while the request ran.
      if (this.current !== watched) return;
      this.watch(job);
      if (job.state !== 'running') {
        // The progress line is not live (it changes every second): its end is announced once.
        this.announce(progressText(job));
        this.onFinished();
        await this.load();
      }
    } catch (failure) {
      if (this.current !== watched) return;
      byId('job-error', HTMLParagraphElement).textContent =
        `Could not read the job's progress: ${messageOf(failure)}`;
    }
  }

  /** @param {string} id */
  async cancel(id) {
    try {
      const job = await this.api().cancelJob(id);
      if (this.current?.id === id) this.watch(job);
      await this.load();
    } catch (failure) {
      byId('job-error', HTMLParagraphElement).textContent =
        `Could not cancel the job: ${messageOf(failure)}`;
    }
  }

  /** Reads the recent jobs; shows the newest running one when none is watched. */
  async load() {
    const jobs = await this.api().jobs();
    const running = jobs.find((job) => job.state === 'running');
    if ((!this.current || this.current.state !== 'running') && running) this.watch(running);
    const body = byId('jobs-body', HTMLTableSectionElement);
    if (jobs.length === 0) {
      body.replaceChildren(el('tr', {}, [el('td', { colspan: '9' }, ['No replay jobs yet.'])]));
      return;
    }
    body.replaceChildren(...jobs.map((job) => this.row(job)));
  }

  /** @param {Job} job */
  row(job) {
    const cancel =
      job.state === 'running'
        ? el(
            'button',
            { type: 'button', class: 'button-secondary', 'aria-label': `Cancel job ${job.id}` },
            ['Cancel'],
          )
        : null;
    cancel?.addEventListener('click', () => void this.cancel(job.id));
    return el('tr', { 'data-id': job.id }, [
      el('td', {}, [
        el('time', { datetime: job.createdAt, title: formatTime(job.createdAt) }, [
          ago(job.createdAt),
        ]),
      ]),
      el('td', {}, [job.state]),
      el('td', {}, [filterText(job.filter)]),
      ...[job.total, job.done, job.succeeded, job.failed, job.skipped].map((n) =>
        el('td', { class: 'num' }, [n]),
      ),
      el('td', {}, [cancel]),
    ]);
  }

  /** @param {Job} job */
  renderProgress(job) {
    byId('job-progress', HTMLDivElement).hidden = false;
    const bar = byId('job-bar', HTMLProgressElement);
    bar.max = Math.max(job.total, 1);
    bar.value = job.total === 0 ? 1 : job.done;
    byId('job-state', HTMLParagraphElement).textContent = progressText(job);
    byId('job-cancel', HTMLButtonElement).hidden = job.state !== 'running';
  }

  /** Forgets everything shown (sign-out). */
  clear() {
    clearTimeout(this.timer);
    this.current = null;
    byId('job-progress', HTMLDivElement).hidden = true;
    byId('job-state', HTMLParagraphElement).textContent = '';
    byId('job-error', HTMLParagraphElement).textContent = '';
    byId('jobs-body', HTMLTableSectionElement).replaceChildren();
  }
}

/** @param {Job} job */
function progressText(job) {
  return (
    `Job ${job.id}: ${job.state}. ${job.done} of ${job.total} done: ` +
    `${job.succeeded} succeeded, ${job.failed} failed, ${job.skipped} skipped.`
  );
}

/**
 * "errorClass http_503, priority low", or "all" for no filter.
 * @param {Record<string, unknown>} filter
 */
function filterText(filter) {
  const parts = Object.entries(filter).map(([name, value]) => `${name} ${String(value)}`);
  return parts.length === 0 ? 'all' : parts.join(', ');
}

/** @param {Record<string, unknown>} filter */
function describeFilter(filter) {
  const text = filterText(filter);
  return text === 'all' ? 'every dead letter' : `the dead letters with ${text}`;
}
