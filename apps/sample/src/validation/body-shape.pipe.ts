import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';

/**
 * Keys that could reach an object's prototype or shadow its methods. They also get past the
 * ValidationPipe's whitelist, which looks names up in a plain object: `valueOf` would pass as a
 * known field of any DTO.
 */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/**
 * Refuses (400) a body nested deeper than `maxDepth` levels (the body itself is level 1) or
 * holding a forbidden key at any level, and a query with a forbidden field. Registered before the
 * ValidationPipe, so class-transformer never recurses into a hostile body. Walks without
 * recursion.
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  constructor(private readonly maxDepth: number) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'query') return checkQueryKeys(value);
    if (metadata.type !== 'body') return value;
    const pending: Array<[node: unknown, depth: number]> = [[value, 1]];
    for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
      const [node, depth] = next;
      if (typeof node !== 'object' || node === null) continue;
      if (depth > this.maxDepth) {
        throw new BadRequestException(`body is nested deeper than ${this.maxDepth} levels`);
      }
      for (const key of Array.isArray(node) ? [] : Object.keys(node)) {
        if (FORBIDDEN_KEYS.has(key))
          throw new BadRequestException(`body field "${key}" is not allowed`);
      }
      for (const child of Object.values(node)) pending.push([child, depth + 1]);
    }
    return value;
  }
}

/** A query is flat: its forbidden fields get the ValidationPipe's message for unknown ones. */
function checkQueryKeys(query: unknown): unknown {
  if (typeof query !== 'object' || query === null) return query;
  for (const key of Object.keys(query)) {
    if (FORBIDDEN_KEYS.has(key)) {
      throw new BadRequestException(`property ${key} should not exist`);
    }
  }
  return query;
}
