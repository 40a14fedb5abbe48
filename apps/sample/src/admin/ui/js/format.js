/**
 * "45 s", "3 min", "5 h", "2 d": a short age or span in seconds.
 * @param {number} seconds
 */
export function formatAge(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/**
 * The age of an ISO time, e.g. "3 min ago".
 * @param {string} iso
 * @param {number} [now]
 */
export function ago(iso, now = Date.now()) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : `${formatAge((now - at) / 1000)} ago`;
}

/**
 * A readable local time with seconds, e.g. "2026-12-01 07:50:46".
 * @param {string} iso
 */
export function formatTime(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return (
    `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ` +
    `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`
  );
}

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds of "7d", "12h", "30m", "45s", "500ms" or digits; undefined when not a duration.
 * The same grammar as the API's olderThan.
 * @param {string} text
 */
export function durationMs(text) {
  const match = /^(\d{1,15})(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return undefined;
  const unit = /** @type {keyof typeof UNIT_MS} */ (match[2] ?? 'ms');
  return Number(match[1]) * UNIT_MS[unit];
}

/**
 * Pretty JSON of any value, for a <pre> (shown as text).
 * @param {unknown} value
 */
export function json(value) {
  return value === undefined ? '(none)' : JSON.stringify(value, null, 2);
}
