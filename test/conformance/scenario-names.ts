/**
 * The client scenarios of @modelcontextprotocol/conformance 0.1.16: its `all` suite, which is
 * what `conformance list --client` prints. The spec checks this list against the installed
 * suite, so scenarios added by a newer release are noticed.
 */
export const CONFORMANCE_SCENARIOS = [
  'initialize',
  'tools_call',
  'elicitation-sep1034-client-defaults',
  'sse-retry',
  'auth/metadata-default',
  'auth/metadata-var1',
  'auth/metadata-var2',
  'auth/metadata-var3',
  'auth/basic-cimd',
  'auth/scope-from-www-authenticate',
  'auth/scope-from-scopes-supported',
  'auth/scope-omitted-when-undefined',
  'auth/scope-step-up',
  'auth/scope-retry-limit',
  'auth/token-endpoint-auth-basic',
  'auth/token-endpoint-auth-post',
  'auth/token-endpoint-auth-none',
  'auth/pre-registration',
  'auth/2025-03-26-oauth-metadata-backcompat',
  'auth/2025-03-26-oauth-endpoint-fallback',
  'auth/resource-mismatch',
  'auth/offline-access-scope',
  'auth/offline-access-not-supported',
  'auth/client-credentials-jwt',
  'auth/client-credentials-basic',
  'auth/cross-app-access-complete-flow',
] as const;

export type ConformanceScenario = (typeof CONFORMANCE_SCENARIOS)[number];

export function isConformanceScenario(name: string): name is ConformanceScenario {
  return (CONFORMANCE_SCENARIOS as readonly string[]).includes(name);
}
