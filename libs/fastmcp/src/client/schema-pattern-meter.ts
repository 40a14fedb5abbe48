import { SchemaRefusal } from './schema-refusal.js';

/**
 * The pattern work one result's check may do, in units of input length times pattern (RE2
 * program) size. re2js runs about 20 ns a unit where it falls back from its DFA, so the default
 * holds a check under ~0.2 s even then; real patterns on real fields spend a tiny part of it.
 */
export const DEFAULT_PATTERN_BUDGET = 10_000_000;
/** Most patterns compiled for one schema: each RE2 program holds ~20-100 KiB. */
export const MAX_SCHEMA_PATTERNS = 64;

/**
 * What the patterns of one schema cost: compiled (how many, how large) and run (each check has a
 * budget). Compiles and checks run one at a time, synchronously.
 */
export class SchemaPatternMeter {
  /** Patterns compiled since `startCompile`, and their RE2 program sizes added up. */
  patterns = 0;
  programSize = 0;
  private left = Infinity;

  startCompile(): void {
    this.patterns = 0;
    this.programSize = 0;
  }

  /** Counts a compiled pattern; throws SchemaRefusal past MAX_SCHEMA_PATTERNS. */
  compiled(programSize: number): void {
    this.patterns += 1;
    this.programSize += programSize;
    if (this.patterns > MAX_SCHEMA_PATTERNS) {
      throw new SchemaRefusal(`it has more than ${MAX_SCHEMA_PATTERNS} patterns`);
    }
  }

  /** Runs `check` with `budget` units; a pattern test past it throws SchemaRefusal. */
  metered<T>(budget: number, check: () => T): T {
    this.left = budget;
    try {
      return check();
    } finally {
      this.left = Infinity;
    }
  }

  charge(units: number): void {
    this.left -= units;
    if (this.left < 0) throw new SchemaRefusal('its patterns would take too long on this result');
  }
}
