import {
  CancelledNotificationSchema,
  type JSONRPCNotification,
  LoggingMessageNotificationSchema,
  ProgressNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import type { FastMcpEvents } from '../events/fastmcp-events.service.js';
import type { ExchangeContext } from './server-message.dispatcher.js';

/**
 * Handles a server's notification by its method, checked by that method's schema alone: a
 * cancellation aborts the handler concerned; progress, log messages, a change of the tool,
 * resource or prompt list and of a subscribed resource are raised as events, their text scrubbed
 * of the request's secrets (a server may echo a header).
 * Any other method (or one whose params are not valid MCP) is ignored without reading its params,
 * so a flood of notifications the client does not use costs a string comparison each.
 */
export function dispatchNotification(
  message: JSONRPCNotification,
  context: ExchangeContext,
  events: FastMcpEvents,
): void {
  switch (message.method) {
    case 'notifications/cancelled': {
      const cancelled = CancelledNotificationSchema.safeParse(message);
      const requestId = cancelled.success ? cancelled.data.params.requestId : undefined;
      if (requestId !== undefined) context.handling.get(requestId)?.abort();
      return;
    }
    case 'notifications/progress': {
      const progress = ProgressNotificationSchema.safeParse(message);
      if (!progress.success) return;
      // Only the fields MCP defines, text scrubbed: `_meta` and the rest are the server's to fill.
      const { progressToken, progress: done, total, message: text } = progress.data.params;
      const update: { progress: number; total?: number; message?: string } = { progress: done };
      if (total !== undefined) update.total = total;
      if (text !== undefined) update.message = context.upstream.scrub(text);
      // A number too: one that spells a secret (a PIN header) becomes a redaction string.
      const token = context.upstream.scrubJson(progressToken) as string | number;
      events.emit('server.progress', {
        clientId: context.clientId,
        progressToken: token,
        ...update,
      });
      if (progressToken === context.progressToken) context.onProgress?.(update);
      return;
    }
    case 'notifications/tools/list_changed':
      events.emit('server.tools_changed', { clientId: context.clientId });
      return;
    case 'notifications/resources/list_changed':
      events.emit('server.resources_changed', { clientId: context.clientId });
      return;
    case 'notifications/prompts/list_changed':
      events.emit('server.prompts_changed', { clientId: context.clientId });
      return;
    case 'notifications/resources/updated': {
      const updated = ResourceUpdatedNotificationSchema.safeParse(message);
      if (!updated.success) return;
      const uri = context.upstream.scrub(updated.data.params.uri);
      events.emit('server.resource_updated', { clientId: context.clientId, uri });
      return;
    }
    case 'notifications/message': {
      const log = LoggingMessageNotificationSchema.safeParse(message);
      if (!log.success) return;
      const { level, logger, data } = log.data.params;
      events.emit('server.message', {
        clientId: context.clientId,
        level,
        logger: logger === undefined ? undefined : context.upstream.scrub(logger),
        data: context.upstream.scrubJson(data),
      });
      return;
    }
  }
}
