import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

const NAMES = ['alice', 'albert', 'bob'];

/**
 * A resource, a resource template whose `id` completes, and a prompt whose `language`
 * completes: what the client's resource, prompt and completion reads have to read.
 */
export function registerDemoContent(mcp: McpServer): void {
  mcp.registerResource(
    'readme',
    'docs://readme',
    { mimeType: 'text/markdown', description: 'The demo server readme' },
    (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: '# Demo server' }] }),
  );
  mcp.registerResource(
    'profile',
    new ResourceTemplate('users://{id}/profile', {
      list: undefined,
      complete: { id: (value) => NAMES.filter((name) => name.startsWith(value)) },
    }),
    { mimeType: 'application/json' },
    (uri, { id }) => ({ contents: [{ uri: uri.href, text: JSON.stringify({ id }) }] }),
  );
  mcp.registerPrompt(
    'review',
    {
      description: 'Review code',
      argsSchema: {
        code: z.string(),
        language: completable(z.string(), (value) =>
          ['typescript', 'tcl', 'go'].filter((name) => name.startsWith(value)),
        ),
      },
    },
    ({ code, language }) => ({
      messages: [
        { role: 'user', content: { type: 'text', text: `Review this ${language}: ${code}` } },
      ],
    }),
  );
}
