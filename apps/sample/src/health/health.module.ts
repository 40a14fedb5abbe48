import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BootstrapModule } from '../bootstrap/bootstrap.module.js';
import { DlqStoreHealthIndicator } from './dlq-store.health.js';
import { HealthController } from './health.controller.js';
import { McpServerHealthIndicator } from './mcp-server.health.js';
import { RedisPingClient } from './redis-ping.client.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), BootstrapModule],
  controllers: [HealthController],
  providers: [RedisPingClient, DlqStoreHealthIndicator, McpServerHealthIndicator],
})
export class HealthModule {}
