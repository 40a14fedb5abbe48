import type { ConfigIssue } from '../errors/fastmcp-config.error.js';

/** Collects every bad field of one options object, so they are reported together. */
export class OptionChecks {
  readonly issues: ConfigIssue[] = [];

  fail(field: string, message: string): void {
    this.issues.push({ field, message });
  }

  url(field: string, value: unknown, protocols: readonly string[]): void {
    if (typeof value !== 'string' || !URL.canParse(value)) {
      this.fail(field, 'must be an absolute URL');
      return;
    }
    const protocol = new URL(value).protocol.replace(/:$/, '');
    if (!protocols.includes(protocol)) {
      this.fail(field, `must use ${protocols.join(' or ')}, got ${protocol}`);
    }
  }

  number(field: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): void {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `between ${min} and ${max}`;
      this.fail(field, `must be a finite number ${range}, got ${String(value)}`);
    }
  }

  integer(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
    if (!Number.isInteger(value)) {
      this.fail(field, `must be an integer, got ${String(value)}`);
      return;
    }
    this.number(field, value, min, max);
  }

  pattern(field: string, value: unknown, pattern: RegExp, hint: string): void {
    if (typeof value !== 'string' || !pattern.test(value)) {
      this.fail(field, `must be ${hint}, got ${JSON.stringify(value)}`);
    }
  }

  oneOf(field: string, value: unknown, allowed: readonly unknown[]): void {
    if (!allowed.includes(value)) {
      this.fail(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
  }

  plainObject(field: string, value: unknown): value is Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(field, 'must be an object');
      return false;
    }
    return true;
  }
}
