import { Module } from '@nestjs/common';
import { McpClientModule } from '../bootstrap/mcp-client.module.js';
import { DlqBrowser } from './dlq-browser.service.js';
import { DlqController } from './dlq.controller.js';

@Module({ imports: [McpClientModule], controllers: [DlqController], providers: [DlqBrowser] })
export class DlqModule {}
