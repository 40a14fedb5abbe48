import { Module } from '@nestjs/common';
import { McpClientModule } from '../bootstrap/mcp-client.module.js';
import { idempotencyProviders } from '../idempotency/idempotency.providers.js';
import { ConfiguredClients } from './configured-clients.service.js';
import { PromptsController } from '../content/prompts.controller.js';
import { ResourcesController } from '../content/resources.controller.js';
import { ResourceUpdateLog } from '../content/resource-update-log.js';
import { ResourceUpdateStreams } from '../content/resource-update-streams.js';
import { SubscriptionsController } from '../content/subscriptions.controller.js';
import { TasksController } from './tasks.controller.js';
import { ToolsController } from './tools.controller.js';

@Module({
  imports: [McpClientModule],
  controllers: [
    ToolsController,
    TasksController,
    ResourcesController,
    PromptsController,
    SubscriptionsController,
  ],
  providers: [ConfiguredClients, ResourceUpdateLog, ResourceUpdateStreams, ...idempotencyProviders],
  exports: [ConfiguredClients],
})
export class ToolsModule {}
