import { Inject, Injectable } from '@nestjs/common';
import type {
  CallToolResult,
  CompleteResult,
  GetPromptResult,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Task,
} from '@modelcontextprotocol/sdk/types.js';
import { FastMcpConfigError } from '../errors/fastmcp-config.error.js';
import { isAnyObject, OptionChecks } from '../options/option-checks.js';
import { McpOperations } from './mcp-operations.js';
import type { OperationSpec } from './operation-spec.interface.js';

/** What a completion is for: a prompt's argument, or a resource template's variable. */
export type CompletionRef =
  { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

/** The argument being completed, and the values of the others already chosen. */
export interface CompletionArgument {
  name: string;
  value: string;
  /** Arguments already resolved (`context.arguments` of MCP 2025-06-18 and later). */
  context?: Record<string, string>;
}

/**
 * The reads of MCP beside tools: resources, resource templates, prompts and completions, each as
 * an operation (checked input, one request or every page). Reads are safe to send again and are
 * never dead-lettered.
 */
@Injectable()
export class McpReads {
  constructor(@Inject(McpOperations) private readonly operations: McpOperations) {}

  listResources(clientId: string): OperationSpec<Resource[]> {
    return this.operations.readAllPages(clientId, 'list_resources', 'resources/list', (page) => ({
      items: page.resources,
      nextCursor: page.nextCursor,
    }));
  }

  listResourceTemplates(clientId: string): OperationSpec<ResourceTemplate[]> {
    return this.operations.readAllPages(
      clientId,
      'list_resource_templates',
      'resources/templates/list',
      (page) => ({ items: page.resourceTemplates, nextCursor: page.nextCursor }),
    );
  }

  readResource(clientId: string, uri: string): OperationSpec<ReadResourceResult> {
    const checks = new OptionChecks();
    checks.nonEmptyString('uri', uri);
    throwIfAny(checks);
    return this.operations.read(clientId, 'read_resource', 'resources/read', { uri });
  }

  /** `resources/subscribe` (or `unsubscribe`) of `uri`: see McpOperations.subscription. */
  subscription(clientId: string, uri: string, subscribe: boolean): OperationSpec<void> {
    const checks = new OptionChecks();
    checks.nonEmptyString('uri', uri);
    throwIfAny(checks);
    return this.operations.subscription(clientId, uri, subscribe);
  }

  /** The result of task `taskId` of a tool: see McpOperations.awaitTask. */
  awaitTask(clientId: string, taskId: string): OperationSpec<CallToolResult> {
    const checks = new OptionChecks();
    checks.nonEmptyString('taskId', taskId);
    throwIfAny(checks);
    return this.operations.awaitTask(clientId, taskId);
  }

  /** The session's tasks, every page (`tasks/list`): those a server keeps for this session. */
  listTasks(clientId: string): OperationSpec<Task[]> {
    return this.operations.readAllPages(clientId, 'list_tasks', 'tasks/list', (page) => ({
      items: page.tasks,
      nextCursor: page.nextCursor,
    }));
  }

  listPrompts(clientId: string): OperationSpec<Prompt[]> {
    return this.operations.readAllPages(clientId, 'list_prompts', 'prompts/list', (page) => ({
      items: page.prompts,
      nextCursor: page.nextCursor,
    }));
  }

  getPrompt(
    clientId: string,
    name: string,
    args?: Record<string, string>,
  ): OperationSpec<GetPromptResult> {
    const checks = new OptionChecks();
    checks.nonEmptyString('name', name);
    if (args !== undefined) checkStrings(checks, 'arguments', args);
    throwIfAny(checks);
    const params = args === undefined ? { name } : { name, arguments: { ...args } };
    return this.operations.read(clientId, 'get_prompt', 'prompts/get', params);
  }

  complete(
    clientId: string,
    ref: CompletionRef,
    argument: CompletionArgument,
  ): OperationSpec<CompleteResult> {
    const checks = new OptionChecks();
    checkRef(checks, ref);
    if (isAnyObject(argument)) {
      checks.nonEmptyString('argument.name', argument.name);
      if (typeof argument.value !== 'string') checks.fail('argument.value', 'must be a string');
      if (argument.context !== undefined)
        checkStrings(checks, 'argument.context', argument.context);
    } else checks.fail('argument', 'must be an object { name, value, context? }');
    throwIfAny(checks);
    const params: Record<string, unknown> = {
      ref: { ...ref },
      argument: { name: argument.name, value: argument.value },
    };
    if (argument.context) params.context = { arguments: { ...argument.context } };
    return this.operations.read(clientId, 'complete', 'completion/complete', params);
  }
}

function checkRef(checks: OptionChecks, ref: unknown): void {
  if (!isAnyObject(ref)) {
    checks.fail('ref', "must be { type: 'ref/prompt', name } or { type: 'ref/resource', uri }");
    return;
  }
  const { type } = ref as { type?: unknown };
  if (type === 'ref/prompt') checks.nonEmptyString('ref.name', (ref as { name?: unknown }).name);
  else if (type === 'ref/resource')
    checks.nonEmptyString('ref.uri', (ref as { uri?: unknown }).uri);
  else checks.fail('ref.type', "must be 'ref/prompt' or 'ref/resource'");
}

/** A prompt's arguments and a completion's context are strings by name. */
function checkStrings(checks: OptionChecks, field: string, value: unknown): void {
  if (!isAnyObject(value) || Array.isArray(value)) {
    checks.fail(field, 'must be an object of strings');
    return;
  }
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') checks.fail(`${field}.${key}`, 'must be a string');
  }
}

function throwIfAny(checks: OptionChecks): void {
  if (checks.issues.length > 0) throw new FastMcpConfigError(checks.issues, 'call');
}
