import { Module } from '@nestjs/common';
import { McpClientModule } from '../bootstrap/mcp-client.module.js';
import { DlqBrowser } from './dlq-browser.service.js';
import { DlqController } from './dlq.controller.js';
import { DlqJobsController } from './dlq-jobs.controller.js';
import { DlqTransferController } from './dlq-transfer.controller.js';

// The fixed routes (/dlq/export, /dlq/jobs) are registered before DlqController's /dlq/:id.
@Module({
  imports: [McpClientModule],
  controllers: [DlqTransferController, DlqJobsController, DlqController],
  providers: [DlqBrowser],
})
export class DlqModule {}
