import { ErrorCode, type JSONRPCRequest, type Task } from '@modelcontextprotocol/sdk/types.js';
import type { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ServerRequestEvent } from '../events/fastmcp-events.interface.js';
import type { ClientHandlerCalls, HandlerCall } from './client-handler-calls.js';
import { requestedTask, TASK_AUGMENTABLE_METHODS } from './client-task-requests.js';
import { MAX_TASKS_PER_SESSION, type TaskOutcome } from './client-task-store.js';
import type { InvalidResultWarnings } from './invalid-result-warnings.js';
import type { ElicitationCompletions } from './elicitation-completions.js';
import type { ExchangeContext } from './server-message.dispatcher.js';
import { ErrorAnswer, errorFor } from './server-request-errors.js';

/**
 * Makes the tasks a server asks for: an `elicitation/create` or `sampling/createMessage` sent as
 * a task (a `task` in its params) on a session that takes tasks is answered at once with a new
 * task of the session's, while its handler runs in the background.
 */
export class ClientTaskStarter {
  constructor(
    private readonly calls: ClientHandlerCalls,
    private readonly events: FastMcpEvents,
    private readonly warnings: InvalidResultWarnings,
    private readonly completions: ElicitationCompletions,
  ) {}

  /**
   * The task made for `request`; undefined for a request not sent as a task, of another method,
   * or on a session that takes no tasks (answered as usual). The request is checked first (no
   * handler, bad params, a bad `task`: thrown, to be answered at once); a session whose
   * MAX_TASKS_PER_SESSION tasks all still work refuses it (-32603).
   */
  start(request: JSONRPCRequest, context: ExchangeContext): Task | undefined {
    const { tasks } = context;
    if (!tasks || !TASK_AUGMENTABLE_METHODS.has(request.method)) return undefined;
    const call = this.calls.prepare(request);
    const requested = requestedTask(request);
    if (!requested) return undefined;
    const task = tasks.create(requested.ttl, (signal, taskId) =>
      this.run(call, request, context, signal, taskId),
    );
    if (task) return task;
    throw new ErrorAnswer({
      code: ErrorCode.InternalError,
      message: `Too many tasks: ${MAX_TASKS_PER_SESSION} are already working on this session`,
    });
  }

  /**
   * Runs a task's handler, with the task's signal (cancel, ttl, the session's end; not the stream
   * that carried the request), and turns what it did into the task's outcome: its checked result,
   * or the JSON-RPC error a plain request would have had. While it runs, the attempt whose stream
   * carried the request waits on the client, as for a plain request (the server polls while a
   * person or a model answers: that time is not the server's), until the handler is done or the
   * task is cancelled or forgotten. Its `server.request` event is raised when the handler is done.
   * An accepted url elicitation is waited on for its completion, as a plain one is.
   */
  private async run(
    call: HandlerCall,
    request: JSONRPCRequest,
    context: ExchangeContext,
    signal: AbortSignal,
    taskId: string,
  ): Promise<TaskOutcome> {
    const { clientId, upstream } = context;
    const { method } = request;
    const endWait = once(context.waitOnClient?.());
    signal.addEventListener('abort', endWait, { once: true });
    let outcome: ServerRequestEvent['outcome'] = 'handled';
    try {
      const result = (await call({ clientId, signal, taskId })) as Record<string, unknown>;
      this.completions.answered(clientId, request, { jsonrpc: '2.0', id: request.id, result });
      return { result };
    } catch (error) {
      outcome = 'failed';
      this.warnings.warn(error, method, clientId, upstream);
      return { error: errorFor(error, method, upstream) };
    } finally {
      signal.removeEventListener('abort', endWait);
      endWait();
      this.events.emit('server.request', {
        clientId,
        method: upstream.excerpt(method, 100),
        outcome,
      });
    }
  }
}

/** `end` made callable any number of times (the first call counts); a no-op when absent. */
function once(end: (() => void) | undefined): () => void {
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    end?.();
  };
}
