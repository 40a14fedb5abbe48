/**
 * The client under test for the MCP conformance suite (`conformance client --command ...`):
 * boots a Nest application context with FastMcpModule, one client id for the suite's server,
 * and does what the scenario asks through EnhancedFastMcpService.
 *
 *   MCP_CONFORMANCE_SCENARIO=<name> [MCP_CONFORMANCE_CONTEXT=<json>] \
 *     node bench/run-ts.mjs test/conformance/driver.ts <server-url>
 *
 * (conformance.e2e-spec.ts runs it bundled once by build-driver.ts, which starts faster.)
 * Exit code 0 when every step succeeded; otherwise 1, with the error on stderr (the suite
 * prints it). Whether the scenario passes is for the suite's checks to say: in some scenarios
 * (resource-mismatch, scope-retry-limit) a well-behaved client must give up with an error.
 */
import { NestFactory } from '@nestjs/core';
import { EnhancedFastMcpService, FastMcpModule } from '@app/fastmcp';
import { describeError } from './describe-error.js';
import { planFor, type ScenarioPlan } from './scenario-plan.js';
import { isConformanceScenario } from './scenario-names.js';

const CLIENT_ID = 'conformance';
/** Below the suite's --timeout (30 s), so a stuck step is named here rather than killed there. */
const DEADLINE_MS = 25_000;
/** How long the process may stay up after the app closed before open handles are reported. */
const EXIT_GRACE_MS = 5_000;

export async function main(args: string[]): Promise<number> {
  const scenario = process.env.MCP_CONFORMANCE_SCENARIO ?? '';
  const url = args.at(-1);
  if (!isConformanceScenario(scenario) || !url) {
    console.error(`usage: MCP_CONFORMANCE_SCENARIO=<scenario> driver.ts <server-url>`);
    console.error(`unknown or missing scenario "${scenario}", url ${url ?? '(none)'}`);
    return 2;
  }
  const progress = { step: 'boot' };
  const deadline = setTimeout(() => {
    console.error(`driver: ${scenario} still at step "${progress.step}" after ${DEADLINE_MS} ms`);
    process.exit(1);
  }, DEADLINE_MS);
  deadline.unref();

  let code = 0;
  try {
    await run(await withIssuer(planFor(scenario, process.env), url), url, progress);
    console.error(`driver: ${scenario} done`);
  } catch (error) {
    console.error(`driver: ${scenario} failed at step "${progress.step}": ${describeError(error)}`);
    code = 1;
  } finally {
    clearTimeout(deadline);
  }
  reportIfStuck(code);
  return code;
}

/**
 * Client credentials are bound to the issuer an operator configures (the module refuses them
 * without one). The suite names it only in the server's protected resource metadata, so the
 * driver reads it there, as the operator would have looked it up.
 */
async function withIssuer(plan: ScenarioPlan, url: string): Promise<ScenarioPlan> {
  const auth = plan.auth;
  if (!auth || !('type' in auth) || auth.type !== 'client_credentials' || auth.issuer) return plan;
  const { pathname } = new URL(url);
  for (const path of [
    `/.well-known/oauth-protected-resource${pathname}`,
    '/.well-known/oauth-protected-resource',
  ]) {
    const response = await fetch(new URL(path, url));
    if (!response.ok) continue;
    const metadata = (await response.json()) as { authorization_servers?: string[] };
    const issuer = metadata.authorization_servers?.[0];
    if (issuer) return { ...plan, auth: { ...auth, issuer } };
  }
  throw new Error(`no authorization server named in the resource metadata of ${url}`);
}

async function run(plan: ScenarioPlan, url: string, progress: { step: string }): Promise<void> {
  const app = await NestFactory.createApplicationContext(
    FastMcpModule.forRoot({
      servers: { [CLIENT_ID]: { url, ...(plan.auth && { auth: plan.auth }) } },
      handlers: plan.handlers,
      retry: {
        maxRetries: 2,
        initialDelayMs: 100,
        requestTimeoutMs: 10_000,
        totalTimeoutMs: 20_000,
      },
      dlq: false,
      metrics: false,
      clientInfo: { name: 'nestjs-fastmcp-conformance-driver', version: '1.0.0' },
    }),
    { logger: ['error', 'warn'] },
  );
  try {
    const client = app.get(EnhancedFastMcpService);
    progress.step = 'connect';
    const session = await client.connectWithRetry(CLIENT_ID);
    console.error(`driver: connected, protocol ${session.protocolVersion}`);
    progress.step = 'tools/list';
    const tools = await client.listToolsWithRetry(CLIENT_ID);
    console.error(`driver: tools: ${tools.map((tool) => tool.name).join(', ') || '(none)'}`);
    const call = plan.call;
    const listed = call !== undefined && tools.some((tool) => tool.name === call.name);
    if (call && !listed && !call.whenListed) {
      throw new Error(`the server does not list the tool ${call.name}`);
    }
    if (call && listed) {
      progress.step = `tools/call ${call.name}`;
      const result = await client.callToolWithRetry(CLIENT_ID, call.name, call.arguments);
      console.error(`driver: ${call.name} returned ${JSON.stringify(result)}`);
      if (result.isError) throw new Error(`tool ${call.name} answered with isError`);
    }
    progress.step = 'disconnect';
    await client.disconnect(CLIENT_ID);
  } finally {
    await app.close();
  }
}

/** The process should end on its own once the app is closed; if it does not, say what holds it. */
function reportIfStuck(code: number): void {
  setTimeout(() => {
    const open = process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout');
    console.error(
      `driver: still running ${EXIT_GRACE_MS} ms after the app closed (${open.join(', ')})`,
    );
    process.exit(code || 1);
  }, EXIT_GRACE_MS).unref();
}
