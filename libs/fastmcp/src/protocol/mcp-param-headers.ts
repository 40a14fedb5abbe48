/**
 * `Mcp-Param-{Name}` headers (2026-07-28 Streamable HTTP, "Custom Headers from Tool
 * Parameters"): a tool's `inputSchema` marks arguments with `x-mcp-header`; the client mirrors
 * their values into headers, Base64-encoded when they are not plain header-safe ASCII.
 */

import { McpProtocolError } from '../errors/mcp-protocol.error.js';

const X_MCP_HEADER = 'x-mcp-header';
/** RFC 9110 field-name token (`1*tchar`). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const PRIMITIVE_TYPES = new Set(['string', 'integer', 'boolean']);
/**
 * Keywords whose values are data, not subschemas (an `x-mcp-header` key in an `enum` value is a
 * value). Every other keyword but `properties` leads off the `properties`-only chain the spec
 * allows, whether this module knows it or not (`dependencies`, `contentSchema`, a vendor's).
 */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples', 'example']);
/** Matches only a surrogate that is not half of a pair. */
const LONE_SURROGATE = /\p{Surrogate}/u;
const SENTINEL_PREFIX = '=?base64?';
const SENTINEL_SUFFIX = '?=';

export interface ParamHeader {
  /** The chain of `properties` keys to the argument. */
  path: string[];
  headerName: string;
}

export type ParamHeaderScan =
  { valid: true; headers: ParamHeader[] } | { valid: false; reason: string };

/** How deep `inputSchema` nesting may go before the tool is rejected (no real schema comes close). */
export const MAX_SCHEMA_DEPTH = 64;
/** Keywords whose value maps names to subschemas. */
const KEYED_KEYWORDS = new Set([
  'patternProperties',
  'dependentSchemas',
  'dependencies',
  '$defs',
  'definitions',
]);

/** A node still to visit; its path is built from `parent` only when a header needs it. */
interface Pending {
  node: unknown;
  key: string | undefined;
  parent: Pending | undefined;
  depth: number;
  reachable: boolean;
}

/** The `x-mcp-header` declarations of an `inputSchema`, or why the tool must be rejected. */
export function scanParamHeaders(inputSchema: unknown): ParamHeaderScan {
  const headers: ParamHeader[] = [];
  const seen = new Set<string>();
  const root: Pending = {
    node: inputSchema,
    key: undefined,
    parent: undefined,
    depth: 0,
    reachable: true,
  };
  const stack = [root];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (typeof item.node !== 'object' || item.node === null) continue;
    if (item.depth > MAX_SCHEMA_DEPTH) {
      return { valid: false, reason: `inputSchema nests deeper than ${MAX_SCHEMA_DEPTH} levels` };
    }
    const schema = item.node as Record<string, unknown>;
    if (X_MCP_HEADER in schema) {
      const fault = declare(schema, pathOf(item), item.reachable, seen, headers);
      if (fault) return { valid: false, reason: fault };
    }
    // Pushed in reverse, so nodes are visited (and faults found) in document order.
    const children: Pending[] = [];
    const child = (node: unknown, key: string, reachable: boolean) =>
      children.push({ node, key, parent: item, depth: item.depth + 1, reachable });
    const properties = schema.properties;
    if (typeof properties === 'object' && properties !== null) {
      for (const [key, sub] of Object.entries(properties)) child(sub, key, item.reachable);
    }
    for (const keyword in schema) {
      const sub = schema[keyword];
      if (keyword === 'properties' || DATA_KEYWORDS.has(keyword)) continue;
      if (typeof sub !== 'object' || sub === null) continue;
      const branches = Array.isArray(sub)
        ? (sub as unknown[])
        : KEYED_KEYWORDS.has(keyword)
          ? Object.values(sub)
          : [sub];
      for (const branch of branches) child(branch, `<${keyword}>`, false);
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { valid: true, headers };
}

/** Records one `x-mcp-header` annotation, or says why it breaks the rules. */
function declare(
  schema: Record<string, unknown>,
  path: string[],
  reachable: boolean,
  seen: Set<string>,
  headers: ParamHeader[],
): string | undefined {
  const where = path.join('.') || '<root>';
  const name = schema[X_MCP_HEADER];
  if (!reachable || path.length === 0) return `${where}: x-mcp-header off a properties chain`;
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    return `${where}: x-mcp-header is not an HTTP token`;
  }
  if (typeof schema.type !== 'string' || !PRIMITIVE_TYPES.has(schema.type)) {
    return `${where}: x-mcp-header on a non-primitive (string, integer, boolean) property`;
  }
  if (seen.has(name.toLowerCase())) return `x-mcp-header ${name} is declared twice`;
  seen.add(name.toLowerCase());
  headers.push({ path, headerName: name });
  return undefined;
}

function pathOf(item: Pending): string[] {
  const path: string[] = [];
  for (let at: Pending | undefined = item; at?.key !== undefined; at = at.parent) path.push(at.key);
  return path.reverse();
}

/**
 * The `Mcp-Param-*` headers of one call: a value that is absent, null or not primitive has none.
 * Throws McpProtocolError (-32602) for a string that is not well-formed UTF-16: its header would
 * carry U+FFFD where the body keeps the lone surrogate, and a strict server refuses the mismatch.
 */
export function paramHeaders(
  declared: readonly ParamHeader[],
  args: Record<string, unknown> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, headerName } of declared) {
    let value: unknown = args;
    for (const key of path) {
      value =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      // Left out, the header would be missing with the value in the body: a request the server
      // must refuse (-32020), and the tools listed again for nothing.
      throw new McpProtocolError(
        -32602,
        `argument ${path.join('.').slice(0, 200)} is not a safe integer, which its Mcp-Param header cannot carry`,
        { delivery: 'not_delivered' },
      );
    }
    const text = headerText(value);
    if (text !== undefined && LONE_SURROGATE.test(text)) {
      throw new McpProtocolError(
        -32602,
        `argument ${path.join('.').slice(0, 200)} is not well-formed UTF-16 (a lone surrogate)`,
        { delivery: 'not_delivered' },
      );
    }
    if (text !== undefined) out[`mcp-param-${headerName.toLowerCase()}`] = encodeHeaderValue(text);
  }
  return out;
}

/**
 * A value as an HTTP field value: as is when it is plain visible ASCII, else (non-ASCII, control
 * characters, leading or trailing space, or a value that looks encoded) `=?base64?…?=` of UTF-8.
 */
export function encodeHeaderValue(value: string): string {
  return needsBase64(value)
    ? `${SENTINEL_PREFIX}${Buffer.from(value, 'utf8').toString('base64')}${SENTINEL_SUFFIX}`
    : value;
}

function needsBase64(value: string): boolean {
  if (value.length === 0 || value !== value.trim()) return true;
  if (value.startsWith(SENTINEL_PREFIX) && value.endsWith(SENTINEL_SUFFIX)) return true;
  return !/^[\t\x20-\x7e]*$/.test(value);
}

function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return undefined;
}
