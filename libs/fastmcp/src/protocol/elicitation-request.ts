import {
  type ElicitRequest,
  ElicitRequestSchema,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { checkElicitationUrl, elicitationIdProblem } from './url-elicitation.js';

/**
 * An `elicitation/create` request as read for the handler: its params, a mode the client did not
 * declare, or params that are not valid (`problem` in our words, never quoting the server's).
 */
export type ElicitationRead =
  | { kind: 'ok'; params: ElicitRequest['params'] }
  | { kind: 'undeclared'; mode: string }
  | { kind: 'invalid'; problem?: string };

/**
 * Reads an elicitation request: its mode first (only the `declared` ones reach the handler),
 * then its params, by the SDK's schema. A url-mode request's `url` must be one a person may be
 * sent to (see checkElicitationUrl), handed on as parsed, so what a person is shown is what a
 * browser opens; in the 2025 era its `elicitationId` must be a bounded non-empty string. A
 * 2026-07-28 (`modern`) url elicitation has no `elicitationId` (the revision dropped it, with
 * the completion notification): it is read by that revision's shape, and passed on without one.
 */
export function readElicitation(
  request: JSONRPCRequest,
  declared: ReadonlySet<string>,
  modern: boolean,
): ElicitationRead {
  const mode: unknown = request.params?.mode ?? 'form';
  if (typeof mode !== 'string') return { kind: 'invalid', problem: 'its mode is not a string' };
  if (!declared.has(mode)) return { kind: 'undeclared', mode };
  if (mode === 'url' && modern) return modernUrlElicitation(request.params);
  const parsed = ElicitRequestSchema.safeParse(request);
  if (!parsed.success) return { kind: 'invalid' };
  const { params } = parsed.data;
  if (params.mode !== 'url') return { kind: 'ok', params };
  const idProblem = elicitationIdProblem(params.elicitationId);
  if (idProblem !== undefined) return { kind: 'invalid', problem: idProblem };
  const url = checkElicitationUrl(params.url);
  if ('problem' in url) return { kind: 'invalid', problem: url.problem };
  return { kind: 'ok', params: { ...params, url: url.href } };
}

/** A 2026-07-28 url-mode elicitation: `mode`, `message`, `url` (and `_meta`), nothing else. */
function modernUrlElicitation(params: JSONRPCRequest['params']): ElicitationRead {
  const { message, url, _meta } = (params ?? {}) as Record<string, unknown>;
  if (typeof message !== 'string')
    return { kind: 'invalid', problem: 'its message is not a string' };
  const checked = checkElicitationUrl(url);
  if ('problem' in checked) return { kind: 'invalid', problem: checked.problem };
  if (
    _meta !== undefined &&
    (typeof _meta !== 'object' || _meta === null || Array.isArray(_meta))
  ) {
    return { kind: 'invalid', problem: 'its _meta is not an object' };
  }
  const read = { mode: 'url', message, url: checked.href, ...(_meta ? { _meta } : {}) };
  // The handler's type is the SDK's (2025-11-25), whose url mode has an elicitationId.
  return { kind: 'ok', params: read as unknown as ElicitRequest['params'] };
}
