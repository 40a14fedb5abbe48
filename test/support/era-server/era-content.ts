import { completable, type McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import * as z from 'zod/v4';

const NAMES = ['alice', 'albert', 'bob'];

/**
 * Resources, a resource template, a prompt and completions on a `@modelcontextprotocol/server`
 * server (the same as `registerV1Content` on an SDK 1.x one), so a test can read them in both eras.
 */
export function registerEraContent(server: McpServer, era: string): void {
  server.registerResource(
    'readme',
    'docs://readme',
    { mimeType: 'text/markdown', description: 'The readme' },
    (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: `# Readme (${era})` }],
    }),
  );
  server.registerResource(
    'profile',
    new ResourceTemplate('users://{id}/profile', {
      list: undefined,
      complete: { id: (value) => NAMES.filter((name) => name.startsWith(value)) },
    }),
    { mimeType: 'application/json' },
    (uri, { id }) => ({ contents: [{ uri: uri.href, text: JSON.stringify({ id }) }] }),
  );
  server.registerPrompt(
    'review',
    {
      description: 'Review code',
      argsSchema: z.object({
        code: z.string(),
        language: completable(z.string(), (value) =>
          ['typescript', 'tcl', 'go'].filter((name) => name.startsWith(value)),
        ),
      }),
    },
    ({ code, language }) => ({
      messages: [
        {
          role: 'user' as const,
          content: { type: 'text' as const, text: `Review this ${language}: ${code}` },
        },
      ],
    }),
  );
}
