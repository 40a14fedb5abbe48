import type { ElicitationMode } from './client-handlers.interface.js';
import { kindOf, type OptionChecks } from './option-checks.js';

const FIELD = 'handlers.elicitationModes';
const MODES: readonly ElicitationMode[] = ['form', 'url'];

/**
 * `handlers.elicitationModes`, when given: a non-empty list of `'form'` and `'url'`, each once,
 * with an `elicitation` handler to answer them (a mode is declared to servers only with it).
 */
export function checkElicitationModes(
  checks: OptionChecks,
  handlers: Record<string, unknown>,
): void {
  const modes = handlers.elicitationModes;
  if (modes === undefined) return;
  if (!Array.isArray(modes)) {
    checks.fail(FIELD, `must be a list of 'form' and 'url', got ${kindOf(modes)}`);
    return;
  }
  if (modes.length === 0) checks.fail(FIELD, "must name at least one mode ('form', 'url')");
  (modes as unknown[]).forEach((mode, i) => {
    if (!MODES.includes(mode as ElicitationMode)) {
      const got = typeof mode === 'string' ? JSON.stringify(mode.slice(0, 40)) : kindOf(mode);
      checks.fail(`${FIELD}[${i}]`, `must be 'form' or 'url', got ${got}`);
    } else if (modes.indexOf(mode) !== i) {
      checks.fail(`${FIELD}[${i}]`, `names '${String(mode)}' again`);
    }
  });
  if (handlers.elicitation === undefined) checks.fail(FIELD, 'needs handlers.elicitation');
}
