import {
  CreateMessageRequestSchema,
  type JSONRPCRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type {
  McpClientHandlers,
  ServerRequestContext,
} from '../options/client-handlers.interface.js';
import { elicitationCapability } from './elicitation-capability.js';
import { readElicitation } from './elicitation-request.js';
import { HandlerResults } from './handler-results.js';
import {
  InvalidElicitation,
  InvalidParams,
  MethodNotFound,
  UndeclaredMode,
} from './server-request-errors.js';

/** One server request, checked and ready to run through the app's handler. */
export type HandlerCall = (context: ServerRequestContext) => Promise<unknown>;

/**
 * The app's handlers for a server's requests (ping, elicitation, sampling, roots): a request is
 * checked before any handler runs (-32601 without a handler, -32602 for params that are not
 * valid MCP or an elicitation mode not declared), and what the handler returns is checked
 * before it is answered (see HandlerResults).
 */
export class ClientHandlerCalls {
  private readonly results = new HandlerResults();
  /** The elicitation modes declared to servers; a request in another mode is refused. */
  private readonly elicitationModes: ReadonlySet<string>;

  constructor(private readonly handlers: Readonly<McpClientHandlers>) {
    this.elicitationModes = new Set(Object.keys(elicitationCapability(handlers)));
  }

  /**
   * The call that answers `request` (`modern`: an input request of a 2026-07-28 round); throws
   * MethodNotFound, InvalidParams or UndeclaredMode (at once, before any handler runs) when it
   * cannot be answered.
   */
  prepare(request: JSONRPCRequest, modern = false): HandlerCall {
    // Called on `handlers`, as methods: a handler written as one may use `this`.
    const { handlers } = this;
    switch (request.method) {
      case 'ping':
        return () => Promise.resolve({});
      case 'elicitation/create': {
        const { elicitation } = handlers;
        if (!elicitation) break;
        // Only the modes declared in the capabilities reach the handler, their params checked.
        const read = readElicitation(request, this.elicitationModes, modern);
        if (read.kind === 'undeclared') throw new UndeclaredMode(read.mode);
        if (read.kind === 'invalid') {
          throw read.problem ? new InvalidElicitation(read.problem) : new InvalidParams();
        }
        const { params } = read;
        return async (context) =>
          this.results.elicitation(params, await elicitation.call(handlers, params, context));
      }
      case 'sampling/createMessage': {
        const { sampling } = handlers;
        if (!sampling) break;
        const { params } = parseRequest(CreateMessageRequestSchema, request);
        const withTools = params.tools !== undefined;
        return async (context) =>
          this.results.sampling(withTools, await sampling.call(handlers, params, context));
      }
      case 'roots/list': {
        const { roots } = handlers;
        if (!roots) break;
        return async (context) => this.results.roots(await roots.call(handlers, context));
      }
    }
    throw new MethodNotFound();
  }
}

function parseRequest<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  request: JSONRPCRequest,
): T {
  const parsed = schema.safeParse(request);
  if (!parsed.success) throw new InvalidParams();
  return parsed.data;
}
