import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  type PipeTransform,
} from '@nestjs/common';

/** Keys that could reach an object's prototype or shadow its methods. */
const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
]);

/**
 * Refuses (400) a body nested deeper than `maxDepth` levels (the body itself is level 1) or
 * holding a forbidden key at any level. Registered before the ValidationPipe, so
 * class-transformer never recurses into a hostile body. Walks without recursion.
 */
@Injectable()
export class BodyShapePipe implements PipeTransform {
  constructor(private readonly maxDepth: number) {}

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
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
