/**
 * How deep a server's JSON may nest where this client reads it with recursive code (zod's
 * schemas, Ajv's compiler, JSON.stringify): far past any real tool or discover result, far below
 * the few thousand levels at which those overflow the stack.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether `value` nests objects or arrays more than `maxDepth` levels (`{}` is one level, `[[]]`
 * two). Walked with a stack of its own, so 50,000 levels are measured without recursion.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const nodes: unknown[] = [value];
  const depths: number[] = [1];
  while (nodes.length > 0) {
    const node = nodes.pop();
    const depth = depths.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > maxDepth) return true;
    const children = Array.isArray(node) ? (node as unknown[]) : Object.values(node);
    for (const child of children) {
      if (typeof child !== 'object' || child === null) continue;
      nodes.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}
