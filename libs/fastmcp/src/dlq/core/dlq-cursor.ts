import { DlqValidationError } from '../../errors/dlq-validation.error.js';
import { dlqIdTime, isDlqId } from './dlq-id.js';

/** The position after which a page starts: the (score, id) of the previous page's last item. */
export interface DlqCursor {
  score: number;
  id: string;
}

const VERSION = 'v1';
const BASE64URL = /^[A-Za-z0-9_-]{1,128}$/;

/** Opaque base64url form of a cursor. */
export function encodeCursor(cursor: DlqCursor): string {
  return Buffer.from(`${VERSION}:${cursor.score}:${cursor.id}`, 'utf8').toString('base64url');
}

/** Decodes and validates a cursor from user input; undefined when none was given. */
export function decodeCursor(raw: unknown): DlqCursor | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !BASE64URL.test(raw)) throw invalid();
  const parts = Buffer.from(raw, 'base64url').toString('utf8').split(':');
  if (parts.length !== 3 || parts[0] !== VERSION || !/^\d{1,15}$/.test(parts[1])) throw invalid();
  const score = Number(parts[1]);
  if (!isDlqId(parts[2]) || dlqIdTime(parts[2]) !== score) throw invalid();
  return { score, id: parts[2] };
}

function invalid(): DlqValidationError {
  return new DlqValidationError('cursor', 'not a cursor returned by this queue');
}
