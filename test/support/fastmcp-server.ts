import { FastMCP, type Logger } from 'fastmcp';
import { z } from 'zod';
import { findFreePort, isAddressInUse } from './free-port.js';

/** A running `fastmcp` (httpStream, stateful) server. */
export interface FastMcpServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (closes sessions and the HTTP server). Idempotent. */
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const ATTEMPTS = 5;
const noop = (): void => undefined;
const silentLogger: Logger = { debug: noop, error: noop, info: noop, log: noop, warn: noop };

function buildServer(): FastMCP {
  const server = new FastMCP({
    name: 'fastmcp-test-server',
    version: '1.0.0',
    logger: silentLogger,
  });
  server.addTool({
    name: 'echo',
    description: 'Echoes the given text',
    parameters: z.object({ text: z.string() }),
    annotations: { readOnlyHint: true },
    execute: ({ text }) => Promise.resolve(text),
  });
  server.addTool({
    name: 'add',
    description: 'Adds two numbers',
    parameters: z.object({ a: z.number(), b: z.number() }),
    annotations: { readOnlyHint: true },
    execute: ({ a, b }) => Promise.resolve(String(a + b)),
  });
  server.addResource({
    uri: 'docs://readme',
    name: 'readme',
    mimeType: 'text/markdown',
    load: () => Promise.resolve({ text: '# fastmcp readme' }),
  });
  server.addPrompt({
    name: 'review',
    description: 'Review code',
    arguments: [
      { name: 'code', required: true },
      { name: 'language', enum: ['typescript', 'tcl', 'go'] },
    ],
    load: ({ code, language }) => Promise.resolve(`Review this ${language}: ${code}`),
  });
  return server;
}

/**
 * Starts a `fastmcp` server on 127.0.0.1. fastmcp does not expose the bound port, so a free port
 * is picked first (retried on EADDRINUSE). Its stateful initialize takes about 1 s.
 */
export async function startFastMcpServer(): Promise<FastMcpServerHandle> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await findFreePort(HOST);
    const server = buildServer();
    try {
      await server.start({ transportType: 'httpStream', httpStream: { host: HOST, port } });
    } catch (error) {
      if (isAddressInUse(error) && attempt < ATTEMPTS) continue;
      throw error;
    }
    let closing: Promise<void> | undefined;
    return {
      url: `http://${HOST}:${port}/mcp`,
      port,
      close: () => (closing ??= server.stop()),
    };
  }
}
