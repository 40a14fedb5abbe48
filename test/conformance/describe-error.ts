import { inspect } from 'node:util';

/**
 * An error and its causes, one line each with their primitive fields (clientId, status,
 * wwwAuthenticate...), then the first frames of the outer stack: enough to tell why a scenario
 * failed without dumping a whole HTTP client's request config.
 */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    lines.push(`${depth === 0 ? '' : 'caused by '}${oneLine(current)}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').slice(1, 7) : [];
  return [...lines, ...frames].join('\n');
}

function oneLine(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error, { depth: 2, breakLength: Infinity });
  const fields = Object.entries(error)
    .filter(([key, value]) => key !== 'stack' && value !== undefined && isPrimitive(value))
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  const head = `${error.name}: ${error.message}`;
  return fields.length > 0 ? `${head} {${fields.join(', ')}}` : head;
}

function isPrimitive(value: unknown): boolean {
  return ['string', 'number', 'boolean'].includes(typeof value);
}
