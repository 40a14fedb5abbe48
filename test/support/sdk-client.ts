import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Connects the official SDK client (Streamable HTTP) to `url`; the caller closes it. */
export async function connectSdkClient(url: string): Promise<Client> {
  const client = new Client({ name: 'e2e-test-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    reconnectionOptions: {
      initialReconnectionDelay: 10,
      maxReconnectionDelay: 50,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 0,
    },
  });
  await client.connect(transport);
  return client;
}
