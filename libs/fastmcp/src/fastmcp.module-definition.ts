import { ConfigurableModuleBuilder, type Provider } from '@nestjs/common';
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
  .setExtras<FastMcpModuleExtras>(
    { isGlobal: false, extraProviders: [] },
    (definition, extras) => ({
      ...definition,
      global: extras.isGlobal ?? false,
      providers: [...(definition.providers ?? []), ...(extras.extraProviders ?? [])],
    }),
  )
  .build();
