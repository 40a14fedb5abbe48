import type { IncomingMessage } from 'node:http';
import { jsonKeyProblems } from '../config/json-keys.js';

const PROBLEMS = Symbol('jsonBodyKeyProblems');
type Checked = IncomingMessage & { [PROBLEMS]?: string[] };

/**
 * body-parser's `verify` hook: remembers what JSON.parse will hide in the body, a key given twice
 * (the last one would win silently: `{"olderThan":"1d","olderThan":5}` would clean up nearly
 * everything). A throw here would become a 403, so `JsonBodyGuard` refuses the request with a 400
 * instead. Keys such as `__proto__` are `BodyShapePipe`'s.
 */
export function recordJsonKeyProblems(request: IncomingMessage, body: Buffer): void {
  const problems = jsonKeyProblems(body.toString('utf8'), { forbiddenKeys: false });
  if (problems.length > 0) (request as Checked)[PROBLEMS] = problems;
}

/** The problems `recordJsonKeyProblems` found in the request's body, if any. */
export function jsonBodyKeyProblems(request: IncomingMessage): string[] {
  return (request as Checked)[PROBLEMS] ?? [];
}
