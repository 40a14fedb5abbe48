import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
import { type ConfigIssue, FastMcpConfigError } from './errors/fastmcp-config.error.js';
import type { FastMcpModuleOptions } from './options/fastmcp-options.interface.js';

export interface FastMcpModuleExtras {
  /** Register the module globally. Default false. */
  isGlobal?: boolean;
  /** Providers added to the module, e.g. for a `useFactory`'s `inject`. Default []. */
  extraProviders?: Provider[];
}

export const {
  ConfigurableModuleClass: FastMcpConfigurableModule,
  MODULE_OPTIONS_TOKEN: FASTMCP_MODULE_OPTIONS,
  OPTIONS_TYPE: FASTMCP_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: FASTMCP_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<FastMcpModuleOptions>({ moduleName: 'FastMcp' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createFastMcpOptions')
  .setExtras<FastMcpModuleExtras>({ isGlobal: false, extraProviders: [] }, (definition, extras) => {
    assertExtras(extras);
    return {
      ...definition,
      global: extras.isGlobal ?? false,
      providers: [...(definition.providers ?? []), ...(extras.extraProviders ?? [])],
    };
  })
  .build();

/** `isGlobal: 'false'` (from an environment variable) would be truthy and make the module global. */
function assertExtras(extras: FastMcpModuleExtras): void {
  const issues: ConfigIssue[] = [];
  if (extras.isGlobal !== undefined && typeof extras.isGlobal !== 'boolean') {
    issues.push({ field: 'isGlobal', message: 'must be one of true, false' });
  }
  if (extras.extraProviders !== undefined && !Array.isArray(extras.extraProviders)) {
    issues.push({ field: 'extraProviders', message: 'must be an array of providers' });
  }
  if (issues.length > 0) throw new FastMcpConfigError(issues);
}
