import { Inject } from '@nestjs/common';
import { FASTMCP_RESOLVED_OPTIONS } from './fastmcp-options.constants.js';

/** Injects the module's resolved (defaulted, validated, frozen) options. */
export const InjectFastMcpOptions = (): ParameterDecorator => Inject(FASTMCP_RESOLVED_OPTIONS);
