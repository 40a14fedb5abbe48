import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isMcpAuthError, McpAuthError } from '../errors/mcp-auth.error.js';
import type { InteractiveOAuthClientProvider } from '../options/auth-options.interface.js';
import { fetchUntil, fetchWithTimeout } from './auth-fetch.js';
import { authFailureReason } from './auth-failure-reason.js';
import { headerValueSecrets, urlSecrets } from './configured-secrets.js';
import { coversScopes, unionScopes } from './oauth-scopes.js';
import { isStepUp, parseChallenge } from './parse-challenge.js';
import { canWidenScope } from './scope-widening.js';
import { SecretScrubber } from './secret-scrubber.js';
import type { AuthChallenge, ServerAuth } from './server-auth.interface.js';
import { SharedFlight } from './shared-flight.js';
import { untilAborted } from './until-aborted.js';
import { TokenLifetime } from './token-lifetime.js';

export interface OAuthServerAuthOptions {
  /** Holds the client registration and the tokens; every flow runs the SDK's `auth()` over it. */
  provider: OAuthClientProvider;
  /** The MCP server's URL (the protected resource). */
  serverUrl: string;
  /** The client id, named in errors. Default: none. */
  clientId?: string;
  /** Time source for token expiry. Default `Date.now`. */
  now?: () => number;
  /** Timeout of each request to the authorization server, in ms. Default 30000. */
  requestTimeoutMs?: number;
  /** Values that must never appear in an error (client secret, private key). Default []. */
  secrets?: readonly string[];
  /** 403 step-ups in a row without a successful request in between. Default 2. */
  maxStepUps?: number;
  /**
   * The authorization server's issuer URL: when set, the flow only ever reaches its origin and
   * the MCP server's. Default: none (any origin discovery names).
   */
  issuer?: string;
}

type Status = AuthChallenge['status'];

/** How long a failed early refresh waits before the next try, while the token still works. */
const REFRESH_PAUSE_MS = 5_000;
/** RFC 6750 b64token: anything else cannot go out in an Authorization header as is. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BAD_TOKEN = 'the access token is not a valid bearer token (RFC 6750 b64token syntax)';
const NEEDS_USER =
  "the server needs a user's authorization and the provider has no authorizationCode()";

/**
 * ServerAuth over one OAuthClientProvider and one server: the SDK's `auth()` does discovery,
 * registration, PKCE, token requests and refresh; this class decides when to run it, runs one
 * flow at a time for every caller, refreshes before expiry, bounds 403 step-ups and turns
 * failures into McpAuthError without secrets. A caller whose signal aborts stops waiting at
 * once; the flow goes on for the callers still waiting, and stops when none is left.
 */
export class OAuthServerAuth implements ServerAuth {
  private readonly provider: OAuthClientProvider;
  private readonly serverUrl: string;
  private readonly server: string;
  private readonly now: () => number;
  private readonly fetchFn: FetchLike;
  private readonly maxStepUps: number;
  private readonly lifetime = new TokenLifetime();
  private flight?: SharedFlight;
  private resourceMetadataUrl?: URL;
  /** Every scope a challenge named: asked for in each later flow. */
  private scope?: string;
  private stepUps = 0;
  private stepUpScope?: string;
  private refreshPausedUntil = 0;

  constructor(private readonly options: OAuthServerAuthOptions) {
    this.provider = options.provider;
    this.serverUrl = options.serverUrl;
    this.server = displayUrl(options.serverUrl);
    this.now = options.now ?? Date.now;
    this.fetchFn = fetchWithTimeout({
      timeoutMs: options.requestTimeoutMs ?? 30_000,
      allowedOrigins: options.issuer
        ? [new URL(options.serverUrl).origin, new URL(options.issuer).origin]
        : undefined,
    });
    this.maxStepUps = options.maxStepUps ?? 2;
  }

  async authorization(signal?: AbortSignal): Promise<string | undefined> {
    await this.flight?.wait(signal).catch(() => signal?.throwIfAborted());
    const token = await this.accessToken();
    const now = this.now();
    if (token === undefined || !this.lifetime.refreshDue(token, now)) return this.header(token);
    // After a failed early refresh the still-valid token is sent for a while, no flow per request.
    if (now < this.refreshPausedUntil && !this.lifetime.expired(token, now)) {
      return this.header(token);
    }
    try {
      await this.fly(401, signal);
    } catch (error) {
      // This caller stopped waiting: the refresh did not fail.
      signal?.throwIfAborted();
      // Near expiry the old token still works; past it, the failure is the request's.
      if (this.lifetime.expired(token, this.now())) throw error;
      this.refreshPausedUntil = this.now() + REFRESH_PAUSE_MS;
    }
    return this.header(await this.accessToken());
  }

  async onChallenge(challenge: AuthChallenge, signal?: AbortSignal): Promise<void> {
    const parsed = parseChallenge(challenge);
    // Only on the MCP server's own origin (RFC 9728 hosts it there): a challenge naming another
    // host (169.254.169.254) is ignored, and discovery uses the server's well-known URL.
    const metadataUrl = parsed.resourceMetadataUrl;
    if (metadataUrl?.origin === new URL(this.serverUrl).origin) {
      this.resourceMetadataUrl = metadataUrl;
    }
    const stepUp = isStepUp(challenge, parsed);
    if (await this.joinedFlight(stepUp ? (parsed.scope ?? '') : undefined, signal)) return;
    if (await this.isStale(challenge)) return;
    if (stepUp) this.countStepUp(parsed.scope, challenge.authorization);
    if (parsed.scope) {
      this.scope = unionScopes(this.scope, parsed.scope);
      if (canWidenScope(this.provider)) this.provider.widenScope(parsed.scope);
    }
    await this.fly(challenge.status, signal);
  }

  onSuccess(): void {
    this.stepUps = 0;
  }

  /** Waits for a running flow; true when that flow already did what this challenge needs. */
  private async joinedFlight(
    stepUpScope: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    const running = this.flight;
    // An abandoned flow ends in an abort that says nothing about the server: not joined.
    if (!running || running.abandoned) return false;
    await running.wait(signal);
    return stepUpScope === undefined || coversScopes(running.scope, stepUpScope);
  }

  /** A challenge to a token that was replaced since: the re-sent request carries the new one. */
  private async isStale(challenge: AuthChallenge): Promise<boolean> {
    if (challenge.authorization === undefined) return false;
    return challenge.authorization !== bearer(await this.accessToken());
  }

  /** A run of step-ups ends on a success, or when the server asks for a scope not asked yet. */
  private countStepUp(scope: string | undefined, authorization: string | undefined): void {
    if (!coversScopes(this.stepUpScope, scope)) this.stepUps = 0;
    this.stepUps += 1;
    this.stepUpScope = unionScopes(this.stepUpScope, scope);
    if (this.stepUps <= this.maxStepUps) return;
    // The scope is the server's text: it could echo the token the request carried.
    const scrubber = new SecretScrubber([
      ...(this.options.secrets ?? []),
      ...headerValueSecrets(authorization),
      ...urlSecrets(this.serverUrl),
    ]);
    const asked = scope ? ` (it asks for "${scrubber.scrub(scope.slice(0, 100))}")` : '';
    throw new McpAuthError(
      403,
      this.server,
      `scope step-up limit: ${this.maxStepUps} step-ups in a row did not satisfy the server${asked}`,
      { clientId: this.options.clientId },
    );
  }

  /** Runs one flow for every caller at a time; an abandoned one is let end before the next. */
  private fly(status: Status, signal: AbortSignal | undefined): Promise<void> {
    const running = this.flight;
    if (running && !running.abandoned) return running.wait(signal);
    const flight = new SharedFlight(async (flightSignal) => {
      await running?.promise.catch(() => undefined);
      await this.runFlow(status, flightSignal);
    }, this.scope);
    const clear = (): void => {
      if (this.flight === flight) this.flight = undefined;
    };
    void flight.promise.then(clear, clear);
    this.flight = flight;
    return flight.wait(signal);
  }

  private async runFlow(status: Status, signal: AbortSignal): Promise<void> {
    const startedAt = this.now();
    const before = await this.tokens().catch(() => undefined);
    try {
      const options = {
        serverUrl: this.serverUrl,
        resourceMetadataUrl: this.resourceMetadataUrl,
        scope: this.scope,
        fetchFn: fetchUntil(signal, this.fetchFn),
      };
      if ((await auth(this.provider, options)) === 'REDIRECT') {
        await this.exchangeCode(options, status, signal);
      }
      const tokens = await this.tokens();
      if (!B64TOKEN.test(tokens?.access_token ?? '')) {
        // Not kept: the next request then runs a flow rather than send it.
        await this.provider.invalidateCredentials?.('tokens');
        throw new McpAuthError(status, this.server, BAD_TOKEN, { clientId: this.options.clientId });
      }
      this.lifetime.observe(tokens, startedAt);
    } catch (error) {
      // Every caller stopped waiting: the abort is theirs, not an authorization failure.
      signal.throwIfAborted();
      throw await this.failure(error, status, before);
    }
  }

  /**
   * After a REDIRECT: the app's authorizationCode(), exchanged by the SDK. Once no call waits
   * for it, it is left (a user who never comes back must not hold every later flow).
   */
  private async exchangeCode(
    options: Parameters<typeof auth>[1],
    status: Status,
    signal: AbortSignal,
  ): Promise<void> {
    const clientId = this.options.clientId;
    if (!isInteractive(this.provider)) {
      throw new McpAuthError(status, this.server, NEEDS_USER, { clientId });
    }
    const authorizationCode = await untilAborted(this.provider.authorizationCode(signal), signal);
    if ((await auth(this.provider, { ...options, authorizationCode })) !== 'AUTHORIZED') {
      throw new McpAuthError(status, this.server, 'the authorization code gave no token', {
        clientId,
      });
    }
  }

  /** `Bearer <token>`, never with a token that is not valid header syntax. */
  private header(token: string | undefined): string | undefined {
    if (token !== undefined && !B64TOKEN.test(token)) {
      throw new McpAuthError(401, this.server, BAD_TOKEN, { clientId: this.options.clientId });
    }
    return bearer(token);
  }

  private async accessToken(): Promise<string | undefined> {
    try {
      return (await this.tokens())?.access_token;
    } catch (error) {
      throw await this.failure(error, 401);
    }
  }

  private async tokens(): Promise<OAuthTokens | undefined> {
    return await this.provider.tokens();
  }

  private async failure(
    error: unknown,
    status: Status,
    before?: OAuthTokens,
  ): Promise<McpAuthError> {
    if (isMcpAuthError(error)) return error;
    const now = await this.tokens().catch(() => undefined);
    const client = await Promise.resolve()
      .then(() => this.provider.clientInformation())
      .catch(() => undefined);
    const scrubber = new SecretScrubber([
      ...(this.options.secrets ?? []),
      before?.access_token,
      before?.refresh_token,
      now?.access_token,
      now?.refresh_token,
      client?.client_secret,
      ...urlSecrets(this.serverUrl),
    ]);
    return new McpAuthError(status, this.server, authFailureReason(error, scrubber), {
      clientId: this.options.clientId,
      cause: scrubber.scrubError(error),
    });
  }
}

function bearer(token: string | undefined): string | undefined {
  return token === undefined ? undefined : `Bearer ${token}`;
}

function isInteractive(provider: OAuthClientProvider): provider is InteractiveOAuthClientProvider {
  return (
    typeof (provider as Partial<InteractiveOAuthClientProvider>).authorizationCode === 'function'
  );
}

/** The URL without credentials or query, for errors. */
function displayUrl(raw: string): string {
  if (!URL.canParse(raw)) return '(invalid URL)';
  const url = new URL(raw);
  return `${url.origin}${url.pathname}`;
}
