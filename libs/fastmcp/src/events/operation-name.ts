/** The operations that can end in the dead-letter queue: what a replay can run again. */
export const DLQ_OPERATION_NAMES = ['connect', 'list_tools', 'call_tool'] as const;

/**
 * Every operation: the dead-letterable ones, the reads of resources, prompts and completions,
 * which have nothing to run later (their caller gets the error), resource subscriptions, which
 * are kept by the client and asked for again on each new session instead, the wait for a
 * tool's task that an earlier call left running, and the listing of a session's tasks.
 */
export const OPERATION_NAMES = [
  ...DLQ_OPERATION_NAMES,
  'list_resources',
  'list_resource_templates',
  'read_resource',
  'list_prompts',
  'get_prompt',
  'complete',
  'subscribe_resource',
  'unsubscribe_resource',
  'await_task',
  'list_tasks',
] as const;

export type OperationName = (typeof OPERATION_NAMES)[number];

export type DlqOperationName = (typeof DLQ_OPERATION_NAMES)[number];

export function isDlqOperationName(operation: string): operation is DlqOperationName {
  return (DLQ_OPERATION_NAMES as readonly string[]).includes(operation);
}
