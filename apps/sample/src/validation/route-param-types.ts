import type { ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';

/** True when the route's handler takes a parameter of one of `types` (`@Query()`, `@Body()`...). */
export function routeTakes(context: ExecutionContext, types: readonly RouteParamtypes[]): boolean {
  const params = Reflect.getMetadata(
    ROUTE_ARGS_METADATA,
    context.getClass(),
    context.getHandler().name,
  ) as Record<string, unknown> | undefined;
  // Keys are `<type>:<index>`.
  return Object.keys(params ?? {}).some((key) => types.some((type) => key.startsWith(`${type}:`)));
}
