import { byId, el } from './dom.js';
import { ago, formatTime } from './format.js';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Entry} Entry
 * @typedef {import('./api.js').EntryPage} EntryPage
 * @typedef {{ operation: string, clientId: string, errorClass: string, priority: string, sort: string,
 *   age: string }} Filters
 */

const PAGE_SIZE = 25;

/** @type {Filters} */
export const NO_FILTERS = {
  operation: '',
  clientId: '',
  errorClass: '',
  priority: '',
  sort: 'newest',
  age: '',
};

/**
 * The list: filters, newest-first keyset pages ("Next page" follows nextCursor; "Previous page"
 * goes back to the cursor the page before started at), selection.
 * `load()` keeps the filters, the page and the selection, so a refresh never loses them.
 */
export class ListView {
  /** @param {() => Api} api */
  constructor(api) {
    this.api = api;
    /** @type {Filters} */
    this.filters = { ...NO_FILTERS };
    /** The cursor each page of this filter started at; the last one is the current page. */
    /** @type {Array<string | undefined>} */
    this.cursors = [undefined];
    /** @type {string | undefined} */
    this.nextCursor = undefined;
    /** @type {Map<string, Entry>} */
    this.selected = new Map();
    /** @type {Entry[]} */
    this.items = [];
    this.signature = '';
  }

  /** @param {Filters} filters */
  setFilters(filters) {
    this.filters = filters;
    this.firstPage();
  }

  firstPage() {
    this.cursors = [undefined];
    this.selected.clear();
  }

  /** Moves back to the page before this one, when there is one. */
  previousPage() {
    if (this.cursors.length === 1) return;
    this.cursors.pop();
    this.selected.clear();
  }

  /** Moves to the next page, when there is one. */
  nextPage() {
    if (this.nextCursor === undefined) return;
    this.cursors.push(this.nextCursor);
    this.selected.clear();
  }

  /** Reads the current page and shows it (re-drawn only when its entries changed). */
  async load() {
    const page = await this.read(this.cursors[this.cursors.length - 1]);
    this.items = page.items;
    this.nextCursor = page.nextCursor;
    for (const id of this.selected.keys()) {
      const entry = page.items.find((item) => item.id === id);
      if (entry) this.selected.set(id, entry);
      else this.selected.delete(id);
    }
    const signature = JSON.stringify([
      // Every field a row shows that a refresh can change: a repeat folded into an entry marks
      // it deliveryUnknown and counts an occurrence, and leaves its id and status as they were.
      page.items.map((e) => [
        e.id,
        e.replayCount,
        e.status,
        e.deliveryUnknown,
        e.occurrences,
        e.priority,
        e.errorClass,
        e.error,
      ]),
      page.nextCursor,
    ]);
    if (signature !== this.signature) this.render();
    else this.updateAges();
    this.signature = signature;
    this.renderControls();
  }

  /**
   * One page of the filters, all applied by the API as a bulk replay applies them (the age counts
   * from each entry's creation). A filtered page may be short, even empty, with a next page.
   * @param {string | undefined} cursor
   * @returns {Promise<EntryPage>}
   */
  read(cursor) {
    const { operation, clientId, errorClass, priority, sort } = this.filters;
    return this.api().list({
      ...this.jobFilter(),
      operation,
      clientId,
      errorClass,
      priority,
      sort: sort === 'newest' ? '' : sort,
      cursor,
      limit: PAGE_SIZE,
    });
  }

  render() {
    const body = byId('entries-body', HTMLTableSectionElement);
    if (this.items.length === 0) {
      const text =
        this.nextCursor === undefined
          ? 'No dead letters match.'
          : 'No dead letters match on this page; the next page reads on.';
      body.replaceChildren(el('tr', {}, [el('td', { colspan: '10' }, [text])]));
      return;
    }
    // A redraw (a refresh every 5 s) keeps the keyboard's place: the same control of the same row.
    const focused = document.activeElement;
    const inRow = focused instanceof HTMLElement && body.contains(focused);
    const rowId = inRow ? focused.closest('tr')?.dataset.id : undefined;
    const control = focused instanceof HTMLAnchorElement ? 'a' : 'input';
    body.replaceChildren(...this.items.map((entry) => this.row(entry)));
    if (rowId) {
      const again = body.querySelector(`tr[data-id="${CSS.escape(rowId)}"] ${control}`);
      if (again instanceof HTMLElement) again.focus();
    }
  }

  /** @param {Entry} entry */
  row(entry) {
    const box = el('input', {
      type: 'checkbox',
      'aria-label': `Select entry ${entry.id}`,
      'data-id': entry.id,
    });
    box.checked = this.selected.has(entry.id);
    box.addEventListener('change', () => {
      if (box.checked) this.selected.set(entry.id, entry);
      else this.selected.delete(entry.id);
      this.renderControls();
    });
    return el('tr', { 'data-id': entry.id }, [
      el('td', {}, [box]),
      el('td', {}, [
        el('time', { datetime: entry.failedAt, title: formatTime(entry.failedAt) }, [
          ago(entry.failedAt),
        ]),
      ]),
      el('td', {}, [entry.operation]),
      el('td', {}, [entry.clientId]),
      el('td', {}, [el('span', { class: 'clamp' }, [entry.toolName ?? ''])]),
      el('td', {}, [entry.errorClass]),
      el('td', {}, [entry.priority ?? '']),
      el('td', { class: 'error-cell' }, [
        el('span', { class: 'clamp' }, [entry.error]),
        entry.deliveryUnknown ? ' ' : null,
        entry.deliveryUnknown ? el('span', { class: 'badge' }, ['delivery unknown']) : null,
      ]),
      el('td', { class: 'num' }, [entry.replayCount]),
      el('td', {}, [
        el('a', { href: `#/entries/${entry.id}`, 'aria-label': `Open entry ${entry.id}` }, [
          'Open',
        ]),
      ]),
    ]);
  }

  updateAges() {
    for (const time of byId('entries-body', HTMLTableSectionElement).querySelectorAll('time')) {
      time.textContent = ago(time.dateTime);
    }
  }

  renderControls() {
    const count = this.selected.size;
    byId('selection-count', HTMLSpanElement).textContent = `${count} selected`;
    byId('replay-selected', HTMLButtonElement).disabled = count === 0;
    byId('delete-selected', HTMLButtonElement).disabled = count === 0;
    const all = byId('select-page', HTMLInputElement);
    all.checked = this.items.length > 0 && count === this.items.length;
    all.indeterminate = count > 0 && count < this.items.length;
    byId('page-label', HTMLSpanElement).textContent = `Page ${this.cursors.length}`;
    byId('page-first', HTMLButtonElement).disabled = this.cursors.length === 1;
    byId('page-previous', HTMLButtonElement).disabled = this.cursors.length === 1;
    byId('page-next', HTMLButtonElement).disabled = this.nextCursor === undefined;
  }

  /** @param {boolean} selected */
  selectPage(selected) {
    this.selected.clear();
    if (selected) for (const entry of this.items) this.selected.set(entry.id, entry);
    for (const box of byId('entries-body', HTMLTableSectionElement).querySelectorAll(
      'input[type=checkbox]',
    )) {
      /** @type {HTMLInputElement} */ (box).checked = selected;
    }
    this.renderControls();
  }

  /** The applied filters as a bulk replay job's filter (the API's names and durations). */
  jobFilter() {
    const { operation, clientId, errorClass, priority, age } = this.filters;
    /** @type {import('./api.js').JobFilter} */
    const filter = {};
    if (operation !== '') filter.operation = operation;
    if (clientId !== '') filter.clientId = clientId;
    if (errorClass !== '') filter.errorClass = errorClass;
    if (priority !== '') filter.priority = priority;
    const [direction, amount] = age.split(':');
    if (direction === 'older') filter.olderThan = amount;
    if (direction === 'newer') filter.newerThan = amount;
    return filter;
  }

  /** Forgets everything shown (sign-out). */
  clear() {
    this.items = [];
    this.selected.clear();
    this.cursors = [undefined];
    this.nextCursor = undefined;
    this.signature = '';
    byId('entries-body', HTMLTableSectionElement).replaceChildren();
  }
}
