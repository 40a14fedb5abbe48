import { SecretScrubber } from '../auth/secret-scrubber.js';
import { isFastMcpError } from './fastmcp.error.js';

/** Causes of causes kept below a cause: enough to debug, and a cycle ends. */
const MAX_CAUSE_DEPTH = 4;
/** The longest `name` or `code` kept: they are identifiers, not text. */
const MAX_NAME_LENGTH = 100;
/** Credential shapes only: no configured secret is known here. */
const SHAPES = new SecretScrubber([]);
export const scrubShapes = (text: string): string => SHAPES.scrub(text);
/** Built-in errors whose prototypes hold nothing but the standard fields. */
const BUILT_IN = new Set<unknown>(
  [
    Error,
    TypeError,
    RangeError,
    SyntaxError,
    ReferenceError,
    EvalError,
    URIError,
    DOMException,
  ].map((type) => type.prototype),
);
const PLAIN_KEYS = new Set<PropertyKey>(['stack', 'message', 'cause', 'code']);

/** What a cause is rebuilt from; any field may be missing or of another type. */
interface CauseFields {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  status?: unknown;
  stack?: unknown;
  cause?: unknown;
}

/**
 * The cause as a FastMcpError keeps it. A FastMcpError stays as it is (its own cause went through
 * here). Anything else becomes a plain Error with the same `name`, `message` and `stack`
 * scrubbed, a string or number `code`, a number `status` (axios), and its own cause detached the
 * same way: every other field is dropped, so neither an axios request config (every header
 * sent) nor undici's HTTPParserError `data` (the rest of a malformed answer, which may echo the
 * request's Authorization) reaches an error. A cause that is already that plain (a built-in
 * error with nothing to scrub) is kept as the same object: a caller's abort reason stays theirs.
 * `scrub` also removes the known secrets of the request; by default credential shapes only.
 */
export function detachCause(cause: unknown, scrub = scrubShapes): unknown {
  return detach(cause, scrub, 0);
}

function detach(cause: unknown, scrub: (text: string) => string, depth: number): unknown {
  if (typeof cause === 'string') return scrub(cause);
  if (typeof cause !== 'object' && typeof cause !== 'function') return cause;
  if (cause === null) return cause;
  try {
    if (isFastMcpError(cause) || isPlain(cause, scrub, depth)) return cause;
    return rebuild(cause, scrub, depth);
  } catch {
    // A Proxy whose traps throw, a getter that throws: nothing of it can be kept.
    return new Error('the cause could not be read');
  }
}

function rebuild(source: CauseFields, scrub: (text: string) => string, depth: number): Error {
  const name = typeof source.name === 'string' ? source.name.slice(0, MAX_NAME_LENGTH) : 'Error';
  const message = typeof source.message === 'string' ? scrub(source.message) : '';
  const inner = depth < MAX_CAUSE_DEPTH && 'cause' in source ? source.cause : undefined;
  const plain = new Error(
    message,
    inner === undefined ? undefined : { cause: detach(inner, scrub, depth + 1) },
  );
  plain.name = name;
  const stack = typeof source.stack === 'string' ? scrub(source.stack) : `${name}: ${message}`;
  Object.defineProperty(plain, 'stack', { value: stack, writable: true, configurable: true });
  const code = source.code;
  if (typeof code === 'number' || typeof code === 'string') {
    Object.assign(plain, {
      code: typeof code === 'string' ? code.slice(0, MAX_NAME_LENGTH) : code,
    });
  }
  if (typeof source.status === 'number') Object.assign(plain, { status: source.status });
  return plain;
}

/**
 * A built-in error holding only a message, a stack, a short string or number `code` and a cause
 * that is plain too, with no text that scrubbing would change: what `rebuild` would make of it.
 */
function isPlain(value: object, scrub: (text: string) => string, depth: number): boolean {
  if (!BUILT_IN.has(Object.getPrototypeOf(value))) return false;
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    // On Node 24 (V8 13) an error's own `stack` is an accessor; any other getter is not plain.
    const read = descriptor && ('value' in descriptor || key === 'stack');
    if (!PLAIN_KEYS.has(key) || !read) return false;
  }
  const { message, stack, code, cause } = value as CauseFields;
  const clean = (text: unknown): boolean => typeof text !== 'string' || scrub(text) === text;
  const shortCode =
    code === undefined ||
    typeof code === 'number' ||
    (typeof code === 'string' && code.length <= MAX_NAME_LENGTH);
  if (!clean(message) || !clean(stack) || !shortCode) return false;
  if (cause === undefined) return true;
  return depth < MAX_CAUSE_DEPTH && detach(cause, scrub, depth + 1) === cause;
}
