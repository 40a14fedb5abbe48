/** Options of {@link startDemoMcpServer}. */
export interface DemoMcpServerOptions {
  /** TCP port to listen on. Default: 0 (a free port). */
  port?: number;
  /** Interface to bind. Default: '127.0.0.1'. */
  host?: '127.0.0.1';
  /** One transport per session with random UUID ids (true) or a fresh server per request. Default: true. */
  stateful?: boolean;
  /** Answer POSTs with plain JSON instead of an SSE stream. Default: false (SSE). */
  jsonResponse?: boolean;
  /** How many `tools/call` requests for `flaky` get HTTP 503 before it succeeds. Default: 2. */
  flakyFailures?: number;
  /** Registers this many extra tools named `tool_0` .. `tool_<n-1>`. Default: 0. */
  extraTools?: number;
  /** Page size of `tools/list`; 0 turns pagination off. Default: 10 when extraTools > 0, else 0. */
  toolsPageSize?: number;
}

/** What {@link startDemoMcpServer} resolves to. */
export interface DemoMcpServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Closes every session and the HTTP server, destroying open connections. Idempotent. */
  close(): Promise<void>;
  /** Number of live server-side sessions (always 0 when stateless). */
  sessionCount(): number;
  /** Closes and forgets every session; old `Mcp-Session-Id`s then get HTTP 404. */
  dropSessions(): Promise<void>;
  /** Requests received, by JSON-RPC method, plus `tools/call:<tool>` and `HTTP GET`/`HTTP DELETE`. */
  requestCounts(): Record<string, number>;
  /** Sets how many upcoming `flaky` calls get HTTP 503, and restarts the failure count. */
  resetFlaky(failures: number): void;
  /** How many `flaky` calls will still get HTTP 503. */
  flakyRemaining(): number;
  /** The value of `counter://hits`: how many times `bump` ran. */
  counterValue(): number;
}

/** Options with every default applied. */
export interface ResolvedDemoMcpServerOptions {
  readonly port: number;
  readonly host: '127.0.0.1';
  readonly stateful: boolean;
  readonly jsonResponse: boolean;
  readonly flakyFailures: number;
  readonly extraTools: number;
  readonly toolsPageSize: number;
}

/** Applies the defaults documented on {@link DemoMcpServerOptions}. */
export function resolveDemoMcpServerOptions(
  options: DemoMcpServerOptions = {},
): ResolvedDemoMcpServerOptions {
  const extraTools = options.extraTools ?? 0;
  return {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    stateful: options.stateful ?? true,
    jsonResponse: options.jsonResponse ?? false,
    flakyFailures: options.flakyFailures ?? 2,
    extraTools,
    toolsPageSize: options.toolsPageSize ?? (extraTools > 0 ? 10 : 0),
  };
}
