import { detachCause, scrubShapes } from './detach-cause.js';
import { FastMcpError, type FastMcpErrorFields } from './fastmcp.error.js';

/**
 * A FastMcpError for something thrown that is not one (a bug, a runtime limit): its text and
 * its cause scrubbed by `scrub` (by default of credential shapes; pass the request's own
 * scrubber to remove its configured secrets too). A value whose text cannot be read says so.
 */
export function unexpectedFailure(
  thrown: unknown,
  fields: Omit<FastMcpErrorFields, 'cause'> = {},
  scrub: (text: string) => string = scrubShapes,
): FastMcpError {
  return new FastMcpError(`unexpected failure: ${scrub(textOf(thrown))}`, {
    ...fields,
    cause: detachCause(thrown, scrub),
  });
}

function textOf(thrown: unknown): string {
  try {
    return String(thrown);
  } catch {
    return 'a value that cannot be read as text';
  }
}
