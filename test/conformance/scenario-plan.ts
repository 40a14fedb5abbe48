import type { McpClientHandlers, McpServerAuthOptions } from '@app/fastmcp';
import { AuthorizationCodeOAuthProvider } from './authorization-code-oauth.provider.js';
import { CrossAppAccessOAuthProvider } from './cross-app-access-oauth.provider.js';
import {
  readClientSecretContext,
  readCrossAppAccessContext,
  readPrivateKeyJwtContext,
} from './scenario-context.js';
import type { ConformanceScenario } from './scenario-names.js';

/** The URL-based client id (CIMD) the suite's authorization servers accept as it is. */
const CLIENT_METADATA_URL = 'https://conformance-test.local/client-metadata.json';

export interface ToolCall {
  name: string;
  arguments: Record<string, unknown>;
  /** Call it only if the server lists it (else a missing tool fails the run). */
  whenListed?: boolean;
}

/** What the driver configures and does for one scenario; every plan connects and lists tools. */
export interface ScenarioPlan {
  auth?: McpServerAuthOptions;
  handlers?: McpClientHandlers;
  call?: ToolCall;
}

const AUTH_TOOL: ToolCall = { name: 'test-tool', arguments: {}, whenListed: true };

/** The plan of a scenario; reads MCP_CONFORMANCE_CONTEXT from `env` where the scenario has one. */
export function planFor(scenario: ConformanceScenario, env: NodeJS.ProcessEnv): ScenarioPlan {
  switch (scenario) {
    case 'initialize':
      return {};
    case 'tools_call':
      return { call: { name: 'add_numbers', arguments: { a: 5, b: 3 } } };
    case 'elicitation-sep1034-client-defaults':
      return {
        // Accept with nothing filled in: the module adds the schema's defaults (SEP-1034).
        handlers: { elicitation: () => ({ action: 'accept', content: {} }) },
        call: { name: 'test_client_elicitation_defaults', arguments: {} },
      };
    case 'sse-retry':
      return { call: { name: 'test_reconnection', arguments: {} } };
    case 'auth/client-credentials-basic': {
      const context = readClientSecretContext(env);
      return {
        auth: {
          type: 'client_credentials',
          clientId: context.client_id,
          clientSecret: context.client_secret,
        },
        call: AUTH_TOOL,
      };
    }
    case 'auth/client-credentials-jwt': {
      const context = readPrivateKeyJwtContext(env);
      return {
        auth: {
          type: 'client_credentials',
          clientId: context.client_id,
          privateKeyJwt: {
            key: context.private_key_pem,
            alg: context.signing_algorithm ?? 'ES256',
          },
        },
        call: AUTH_TOOL,
      };
    }
    case 'auth/pre-registration':
      return {
        auth: new AuthorizationCodeOAuthProvider({ preRegistered: readClientSecretContext(env) }),
        call: AUTH_TOOL,
      };
    case 'auth/cross-app-access-complete-flow':
      return {
        auth: new CrossAppAccessOAuthProvider(readCrossAppAccessContext(env)),
        call: AUTH_TOOL,
      };
    case 'auth/metadata-default':
    case 'auth/metadata-var1':
    case 'auth/metadata-var2':
    case 'auth/metadata-var3':
    case 'auth/basic-cimd':
    case 'auth/scope-from-www-authenticate':
    case 'auth/scope-from-scopes-supported':
    case 'auth/scope-omitted-when-undefined':
    case 'auth/scope-step-up':
    case 'auth/scope-retry-limit':
    case 'auth/token-endpoint-auth-basic':
    case 'auth/token-endpoint-auth-post':
    case 'auth/token-endpoint-auth-none':
    case 'auth/2025-03-26-oauth-metadata-backcompat':
    case 'auth/2025-03-26-oauth-endpoint-fallback':
    case 'auth/resource-mismatch':
    case 'auth/offline-access-scope':
    case 'auth/offline-access-not-supported':
      // The authorization-code flow with PKCE; the module picks CIMD, DCR or what is stored.
      // resource-mismatch and scope-retry-limit expect the module to give up with an error.
      return {
        auth: new AuthorizationCodeOAuthProvider({ clientMetadataUrl: CLIENT_METADATA_URL }),
        call: AUTH_TOOL,
      };
  }
}
