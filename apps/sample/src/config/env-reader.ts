import { jsonKeyProblems } from './json-keys.js';
import type { EnvIssue } from './sample-config.error.js';

type Env = Record<string, string | undefined>;

/** Reads typed values from an environment and collects every bad one. */
export class EnvReader {
  readonly issues: EnvIssue[] = [];

  constructor(private readonly env: Env) {}

  /** The trimmed value; undefined when unset or blank. */
  string(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  integer(name: string, min: number, max: number): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    const value = /^-?\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
    return this.fail(name, `expected an integer ${min}..${max}, got ${show(raw)}`);
  }

  number(name: string): number | undefined {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    // Decimal only: Number() also reads `0x10` (16) and `0b11`, a typo taken for a value.
    const value = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) ? Number(raw) : NaN;
    return Number.isFinite(value)
      ? value
      : this.fail(name, `expected a decimal number, got ${show(raw)}`);
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    this.fail(name, `expected true or false, got ${show(raw)}`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.fail(name, `expected one of ${allowed.join(', ')}, got ${show(raw)}`);
    return fallback;
  }

  /** Parsed JSON; a key given twice in one object or a key such as `__proto__` is refused. */
  json(name: string): unknown {
    const raw = this.string(name);
    if (raw === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      return this.fail(name, 'not valid JSON');
    }
    const problems = jsonKeyProblems(raw);
    for (const problem of problems) this.fail(name, problem);
    return problems.length === 0 ? value : undefined;
  }

  fail(variable: string, message: string): undefined {
    this.issues.push({ variable, message });
    return undefined;
  }
}

/** A rejected value, cut to 40 characters (a bad value might be a mistyped secret). */
export function show(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}...` : raw);
}
