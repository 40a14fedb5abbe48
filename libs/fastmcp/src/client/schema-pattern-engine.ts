import type { RegExpEngine, RegExpLike } from 'ajv/dist/types/index.js';
import { RE2JS } from 're2js';
import type { SchemaPatternMeter } from './schema-pattern-meter.js';
import { SchemaRefusal } from './schema-refusal.js';

/** A `\k<name>` backreference, which re2js would read as the text `k<name>` rather than refuse. */
const NAMED_BACKREFERENCE = /(?:^|[^\\])(?:\\\\)*\\k</;

/**
 * Ajv's `code.regExp` for schemas a server wrote: `pattern`, `patternProperties` and
 * `propertyNames` run on RE2 (re2js, pure JS), which matches in time linear in the input and
 * never backtracks, so no pattern can hold the event loop the way `^(a|a)*$` does on V8's engine.
 * Linear is still input length times pattern size: `meter` counts what each pattern costs. A
 * pattern RE2 cannot run (a lookaround, a backreference) throws SchemaRefusal.
 */
export function linearPatternEngine(meter: SchemaPatternMeter): RegExpEngine {
  const engine = (pattern: string): RegExpLike => {
    let compiled: RE2JS;
    try {
      if (NAMED_BACKREFERENCE.test(pattern)) throw new Error('a named backreference');
      compiled = RE2JS.compile(RE2JS.translateRegExp(pattern));
    } catch {
      throw new SchemaRefusal(
        'a pattern in it is not one RE2 runs (a lookaround or a backreference)',
      );
    }
    const size = Math.max(1, compiled.programSize());
    meter.compiled(size);
    return {
      test: (input: string) => {
        meter.charge(input.length * size);
        return compiled.test(input);
      },
      // Ajv keys the patterns of one schema by this text.
      toString: () => pattern,
    } as RegExpLike;
  };
  return Object.assign(engine, { code: 're2js' });
}
