import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Registry } from 'prom-client';
import { OpsEndpoint } from '../auth/ops-endpoint.decorator.js';
import { METRICS_REGISTRY } from './metrics.constants.js';

interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
}

/** PrometheusModule's controller, serving the app's registry instead of the global one. */
@ApiTags('operations')
@OpsEndpoint('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(METRICS_REGISTRY) private readonly registry: Registry) {}

  @Get()
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'The metrics' })
  @ApiResponse({ status: 401, description: 'Missing or invalid API key (METRICS_PUBLIC=false)' })
  async index(@Res({ passthrough: true }) response: HeaderTarget): Promise<string> {
    response.setHeader('Content-Type', this.registry.contentType);
    return await this.registry.metrics();
  }
}
