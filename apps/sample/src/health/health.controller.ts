import type { McpServerConfig } from '@app/fastmcp';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { OpsEndpoint } from '../auth/ops-endpoint.decorator.js';
import { MCP_SERVERS } from '../bootstrap/bootstrap.constants.js';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { CircuitHealthIndicator } from './circuit.health.js';
import { DlqStoreHealthIndicator } from './dlq-store.health.js';
import { McpServerHealthIndicator } from './mcp-server.health.js';

@ApiTags('operations')
@OpsEndpoint('health')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(DlqStoreHealthIndicator) private readonly dlq: DlqStoreHealthIndicator,
    @Inject(McpServerHealthIndicator) private readonly mcp: McpServerHealthIndicator,
    @Inject(CircuitHealthIndicator) private readonly circuits: CircuitHealthIndicator,
    @Inject(MCP_SERVERS) private readonly servers: Readonly<Record<string, McpServerConfig>>,
    @Inject(SAMPLE_CONFIG) private readonly config: SampleConfig,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({
    summary:
      'Redis ping, each configured MCP server and the circuit breakers; 503 when one is down',
  })
  @ApiResponse({ status: 401, description: 'Missing or invalid API key (HEALTH_PUBLIC=false)' })
  check(): Promise<HealthCheckResult> {
    const timeoutMs = this.config.healthTimeoutMs;
    return this.health.check([
      () => this.dlq.check(timeoutMs),
      () => this.circuits.check(),
      ...Object.entries(this.servers).map(
        ([clientId, server]) =>
          () =>
            this.mcp.check(clientId, server, timeoutMs),
      ),
    ]);
  }
}
