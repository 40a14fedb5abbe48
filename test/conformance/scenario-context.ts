import { z } from 'zod';

/** Credentials the suite hands to the client in MCP_CONFORMANCE_CONTEXT, by scenario. */
const clientSecretContext = z.object({ client_id: z.string(), client_secret: z.string() });
const privateKeyJwtContext = z.object({
  client_id: z.string(),
  private_key_pem: z.string(),
  signing_algorithm: z.string().optional(),
});
const crossAppAccessContext = clientSecretContext.extend({
  idp_client_id: z.string(),
  idp_id_token: z.string(),
  idp_issuer: z.string(),
  idp_token_endpoint: z.string(),
});

export type ClientSecretContext = z.infer<typeof clientSecretContext>;
export type PrivateKeyJwtContext = z.infer<typeof privateKeyJwtContext>;
export type CrossAppAccessContext = z.infer<typeof crossAppAccessContext>;

/** Reads and checks MCP_CONFORMANCE_CONTEXT; throws naming the missing or bad fields. */
function readContext<T>(schema: z.ZodType<T>, env: NodeJS.ProcessEnv): T {
  const raw = env.MCP_CONFORMANCE_CONTEXT;
  if (!raw) throw new Error('MCP_CONFORMANCE_CONTEXT is not set for a scenario that needs it');
  const parsed = schema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new Error(`MCP_CONFORMANCE_CONTEXT: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

export const readClientSecretContext = (env: NodeJS.ProcessEnv): ClientSecretContext =>
  readContext(clientSecretContext, env);
export const readPrivateKeyJwtContext = (env: NodeJS.ProcessEnv): PrivateKeyJwtContext =>
  readContext(privateKeyJwtContext, env);
export const readCrossAppAccessContext = (env: NodeJS.ProcessEnv): CrossAppAccessContext =>
  readContext(crossAppAccessContext, env);
