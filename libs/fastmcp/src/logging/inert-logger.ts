import { Logger } from '@nestjs/common';

/**
 * Controls that could end a text log line early or drive a terminal: C0 but tab, DEL, C1, and
 * the Unicode line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- matching the controls is the point.
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

/** `text` as one inert line: each control written as an escape (`\n`, `\u001b`). */
export function inertText(text: string): string {
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) return text;
  return text.replace(
    CONTROL,
    (char) => ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function inert(message: unknown): unknown {
  return typeof message === 'string' ? inertText(message) : message;
}

/**
 * The module's logger: a message is one inert line whatever a server put in the text it quotes
 * (an error message, a tool name), so a text log cannot be fed forged lines or terminal escapes.
 * A stack given beside it is left as Nest prints it.
 */
export class InertLogger extends Logger {
  override log(message: unknown, ...rest: unknown[]): void {
    super.log(inert(message), ...rest);
  }

  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(inert(message), ...rest);
  }

  override error(message: unknown, ...rest: unknown[]): void {
    super.error(inert(message), ...rest);
  }

  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(inert(message), ...rest);
  }

  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(inert(message), ...rest);
  }

  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(inert(message), ...rest);
  }
}
