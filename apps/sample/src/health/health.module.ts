import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { McpClientModule } from '../bootstrap/mcp-client.module.js';
import { CircuitHealthIndicator } from './circuit.health.js';
import { DlqStoreHealthIndicator } from './dlq-store.health.js';
import { HealthController } from './health.controller.js';
import { McpServerHealthIndicator } from './mcp-server.health.js';
import { RedisPingClient } from './redis-ping.client.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), McpClientModule],
  controllers: [HealthController],
  providers: [
    RedisPingClient,
    DlqStoreHealthIndicator,
    McpServerHealthIndicator,
    CircuitHealthIndicator,
  ],
})
export class HealthModule {}
