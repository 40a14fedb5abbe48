/** A span's identity as a W3C `traceparent` carries it. */
export interface TraceparentFields {
  traceId: string;
  spanId: string;
  traceFlags: number;
}

/** Version 00 of W3C Trace Context; ids all zero are invalid. */
const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})([0-9a-f]{16})-([0-9a-f]{2})$/;

/** `00-<trace id>-<span id>-<flags>`. */
export function formatTraceparent(fields: TraceparentFields): string {
  const flags = (fields.traceFlags & 0xff).toString(16).padStart(2, '0');
  return `00-${fields.traceId}-${fields.spanId}-${flags}`;
}

/** The fields of a valid version-00 `traceparent`; undefined for anything else. */
export function parseTraceparent(value: unknown): TraceparentFields | undefined {
  if (typeof value !== 'string') return undefined;
  const match = TRACEPARENT.exec(value);
  if (!match) return undefined;
  return { traceId: match[1], spanId: match[2], traceFlags: Number.parseInt(match[3], 16) };
}
