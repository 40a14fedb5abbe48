import { percentDecoded } from '../auth/percent-decoded.js';
import type { ConfigIssue } from '../errors/fastmcp-config.error.js';
import type { FieldSet } from './option-fields.js';

/** An HTTP field name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;
/** What the URL parser strips from both ends alike everywhere (C0 controls and space). */
const OUTER_C0_OR_SPACE = /^[\p{Cc} ]+|[\p{Cc} ]+$/gu;

/**
 * A plain object (`{ ... }` or `Object.create(null)`): what every options object must be. A Map,
 * a Date or a class instance would pass a `typeof` check and then be read as if it had no fields.
 */
export function isOptionsObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Any non-array object, a class instance included (an OAuth provider, a Redis client). */
export function isAnyObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a value is, for a message that must not quote it. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value !== 'object') return typeof value;
  if (isOptionsObject(value)) return 'an object';
  const name = (value.constructor as { name?: unknown } | undefined)?.name;
  if (name === 'Object') return 'an object with another prototype';
  return typeof name === 'string' && name !== '' ? `an instance of ${name}` : 'a class instance';
}

/**
 * What a number field got, for its message: the number itself, else only its kind (a string
 * that holds a number, from an environment variable, is the usual mistake; it is not quoted).
 */
function gotNumber(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'undefined (omit the key for the default)';
  if (typeof value === 'string') return 'a string (convert it with Number())';
  return kindOf(value);
}

/** Collects every bad field of one options object, so they are reported together. */
export class OptionChecks {
  readonly issues: ConfigIssue[] = [];

  /** Adds an issue; the same one again (found through two merged policies) is listed once. */
  fail(field: string, message: string, comparedWith?: string): void {
    if (this.issues.some((issue) => issue.field === field && issue.message === message)) return;
    this.issues.push(
      comparedWith === undefined ? { field, message } : { field, message, comparedWith },
    );
  }

  /** Never quotes the value: a URL may hold credentials. */
  url(field: string, value: unknown, protocols: readonly string[]): void {
    if (typeof value !== 'string' || !URL.canParse(value)) {
      this.fail(field, 'must be an absolute URL');
      return;
    }
    const protocol = new URL(value).protocol.replace(/:$/, '');
    // The scheme is not quoted: without one, what precedes the first colon may be a secret.
    if (!protocols.includes(protocol)) {
      this.fail(field, `must use ${protocols.join(' or ')}`);
    } else if (WHITESPACE_OR_CONTROL.test(value.replace(OUTER_C0_OR_SPACE, ''))) {
      // Inside a URL the parser drops or encodes them silently, and calls another address than
      // meant; at its ends (a secret file's newline) it drops them, the same everywhere.
      this.fail(field, 'must not contain spaces or control characters');
    } else if (value.includes('#')) {
      this.fail(field, 'must not have a #fragment');
    } else {
      const url = new URL(value);
      if (url.port === '0') this.fail(field, 'must have a port 1..65535');
      if (
        percentDecoded(url.username) === undefined ||
        percentDecoded(url.password) === undefined
      ) {
        // A client decodes them to send them, and would throw URIError on every request.
        this.fail(field, 'has a user name or password that is not valid percent-encoding');
      }
    }
  }

  number(field: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
      this.fail(field, `must be a finite number ${range}, got ${gotNumber(value)}`);
    }
  }

  integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
    if (!Number.isInteger(value)) {
      this.fail(field, `must be an integer, got ${gotNumber(value)}`);
      return;
    }
    this.number(field, value, min, max);
  }

  pattern(field: string, value: unknown, pattern: RegExp, hint: string): void {
    if (typeof value !== 'string' || !pattern.test(value)) {
      const got = typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
      this.fail(field, `must be ${hint}, got ${got}`);
    }
  }

  oneOf(field: string, value: unknown, allowed: readonly unknown[]): void {
    if (!allowed.includes(value)) {
      this.fail(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
  }

  /** A string with more than blanks; never quotes it (it may be a secret). */
  nonEmptyString(field: string, value: unknown): value is string {
    if (typeof value === 'string' && value.trim().length > 0) return true;
    this.fail(field, 'must be a non-empty string');
    return false;
  }

  plainObject(field: string, value: unknown): value is Record<string, unknown> {
    if (isOptionsObject(value)) return true;
    const message = isAnyObject(value)
      ? `must be a plain object ({ ... }), got ${kindOf(value)}`
      : 'must be an object';
    this.fail(field, message);
    return false;
  }

  /** An object of options whose every key is one of `known` (`field` '' for the top level). */
  options(
    field: string,
    value: unknown,
    known: FieldSet<object>,
  ): value is Record<string, unknown> {
    if (!this.plainObject(field || 'options', value)) return false;
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(known, key)) {
        this.fail(
          field ? `${field}.${key}` : key,
          `is not an option (${Object.keys(known).join(', ')})`,
        );
      }
    }
    return true;
  }
}

/** Names what threw without quoting its message, which may hold a secret. */
export function unreadableMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : kindOf(error);
  return `could not be read: a getter or Proxy trap threw ${name}`;
}
