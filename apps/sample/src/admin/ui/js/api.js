/** A refused or failed request, with the API's own message (its ErrorBody). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string} [code]
   */
  constructor(status, message, code) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * @typedef {{ at: string, durationMs: number, status?: number, code?: number, errorClass: string, message: string }} Attempt
 * @typedef {{ method: string, params?: Record<string, unknown>, headers: Record<string, string> }} FailedRequest
 * @typedef {{ id: string, operation: string, clientId: string, serverUrl: string, toolName?: string,
 *   arguments?: Record<string, unknown>, argumentsTruncated?: boolean, request: FailedRequest,
 *   error: string, errorClass: string, attempts: Attempt[], retryCount: number, firstAttemptAt: string,
 *   failedAt: string, expiresAt: string, replayCount: number, status: string,
 *   deliveryUnknown?: boolean, priority?: string, occurrences?: number, lastFailedAt?: string,
 *   redriveCount?: number, nextRedriveAt?: string, redriveExhausted?: boolean, traceparent?: string }} Entry
 * @typedef {{ items: Entry[], nextCursor?: string }} EntryPage
 * @typedef {{ startAt: string, bucketMs: number,
 *   series: Array<{ errorClass: string | null, counts: number[] }> }} Timeline
 * @typedef {{ total: number, byOperation: Record<string, number>, byClientId: Record<string, number>, clientIdCount?: number, errorClassCount?: number,
 *   byErrorClass: Record<string, number>, byPriority?: Record<string, number>, dueForRedrive?: number,
 *   oldestAgeSeconds: number | null, newestAt: string | null }} Stats
 * @typedef {{ operation?: string, clientId?: string, errorClass?: string, priority?: string,
 *   olderThan?: string, newerThan?: string, sort?: string, cursor?: string, limit?: number }} ListQuery
 * @typedef {{ operation?: string, clientId?: string, errorClass?: string, priority?: string,
 *   olderThan?: string, newerThan?: string }} JobFilter
 * @typedef {{ filter: JobFilter, rate: number, concurrency: number, limit: number, force: boolean }} JobRequest
 * @typedef {{ id: string, state: 'running' | 'done' | 'cancelled', createdAt: string, updatedAt: string,
 *   filter: Record<string, unknown>, ratePerSecond: number, concurrency: number, force: boolean,
 *   total: number, done: number, succeeded: number, failed: number, skipped: number }} Job
 */

/**
 * The REST API that /docs documents, called with the admin key. The key lives only in this
 * closure: never in the URL, storage or a cookie, so a reload asks for it again.
 * @param {string} key
 * @param {() => void} [onKeyRefused] called when any answer is 401: the key is no longer good
 */
export function createApi(key, onKeyRefused = () => undefined) {
  let closed = false;

  /**
   * A request whose answer (or failure) is handed on only while the api is open: once `close()`
   * ran (sign-out) it is dropped and the promise never settles, so nothing that waits on it
   * draws an entry, a total or an error into the signed-out page.
   * @param {string} method
   * @param {string} path
   * @param {{ query?: Record<string, string | number | undefined>, body?: unknown }} [options]
   * @returns {Promise<any>}
   */
  function request(method, path, options = {}) {
    return new Promise((resolve, reject) => {
      send(method, path, options).then(
        (body) => {
          if (!closed) resolve(body);
        },
        (/** @type {unknown} */ error) => {
          if (!closed) reject(error);
        },
      );
    });
  }

  /**
   * @param {string} method
   * @param {string} path
   * @param {{ query?: Record<string, string | number | undefined>, body?: unknown }} options
   * @returns {Promise<any>}
   */
  async function send(method, path, options) {
    const url = new URL(path, window.location.origin);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    /** @type {Record<string, string>} */
    const headers = { 'x-api-key': key, accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(url, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.status === 204) return undefined;
    const body = await response.json().catch(() => undefined);
    if (response.status === 401) onKeyRefused();
    if (!response.ok) throw new ApiError(response.status, messageOf(response, body), body?.code);
    if (body === undefined) {
      // A login page of a proxy in front, say: not the API's answer, whatever its status.
      const type = response.headers.get('content-type') || 'no content type';
      throw new ApiError(response.status, `unexpected answer, not the API's JSON (${type})`);
    }
    return body;
  }

  const entryPath = (/** @type {string} */ id) => `/dlq/${encodeURIComponent(id)}`;
  const jobPath = (/** @type {string} */ id) => `/dlq/jobs/${encodeURIComponent(id)}`;
  return {
    /** Sign-out: answers still on their way are dropped, later calls never settle. */
    close: () => {
      closed = true;
    },
    /** @returns {Promise<Stats>} */
    stats: () => request('GET', '/dlq/stats'),
    /** @param {{ bucket: string, buckets: number, classes: number }} query @returns {Promise<Timeline>} */
    timeline: (query) => request('GET', '/dlq/timeline', { query }),
    /** @param {ListQuery} query @returns {Promise<EntryPage>} */
    list: (query) => request('GET', '/dlq', { query }),
    /** @param {string} id @returns {Promise<Entry>} */
    get: (id) => request('GET', entryPath(id)),
    /** @param {string} id @returns {Promise<void>} */
    remove: (id) => request('DELETE', entryPath(id)),
    /** @param {string} id @param {boolean} force @returns {Promise<{ id: string, result: unknown }>} */
    replay: (id, force) =>
      request('POST', `${entryPath(id)}/replay`, { query: force ? { force: 'true' } : {} }),
    /** @param {string} olderThan @returns {Promise<{ removed: number }>} */
    cleanup: (olderThan) => request('POST', '/dlq/cleanup', { body: { olderThan } }),
    /** @param {JobRequest} body @returns {Promise<Job>} */
    startJob: (body) => request('POST', '/dlq/replay', { body }),
    /** @returns {Promise<Job[]>} */
    jobs: () => request('GET', '/dlq/jobs'),
    /** @param {string} id @returns {Promise<Job>} */
    job: (id) => request('GET', jobPath(id)),
    /** @param {string} id @returns {Promise<Job>} */
    cancelJob: (id) => request('DELETE', jobPath(id)),
  };
}

/** @typedef {ReturnType<typeof createApi>} Api */

/**
 * @param {Response} response
 * @param {any} body
 */
function messageOf(response, body) {
  const message = body?.message;
  if (Array.isArray(message)) return message.join('; ');
  if (typeof message === 'string' && message !== '') return message;
  return `HTTP ${response.status}`;
}
