import {
  auth,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { McpAuthError } from '../errors/mcp-auth.error.js';
import type { InteractiveOAuthClientProvider } from '../options/auth-options.interface.js';
import { fetchUntil, fetchWithTimeout } from './auth-fetch.js';
import { fetchNotingCredentials } from './sent-credentials.js';
import { issuerTokenEndpointOrigin } from './issuer-token-endpoint.js';
import { ResourceMetadataFetches } from './resource-metadata-fetches.js';
import { exchangeCodeOnce } from './code-exchange.js';
import { headerValueSecrets, urlSecrets } from './configured-secrets.js';
import { flowFailure } from './flow-failure.js';
import { FlowProvider, type FlowMode } from './flow-provider.js';
import { coversScopes } from './oauth-scopes.js';
import { RefusedRefreshTokens } from './refused-refresh-tokens.js';
import { isStepUp, parseChallenge } from './parse-challenge.js';
import { canWidenScope } from './scope-widening.js';
import { SecretScrubber } from './secret-scrubber.js';
import type { AuthChallenge, ServerAuth } from './server-auth.interface.js';
import { SharedFlight } from './shared-flight.js';
import { StepUpLimit } from './step-up-limit.js';
import { MAX_SCOPE_CHARS, MAX_SCOPES, StepUpScopes } from './step-up-scopes.js';
import { TokenLifetime } from './token-lifetime.js';
import { displayUrl } from './display-url.js';
import type { OAuthServerAuthOptions } from './oauth-server-auth-options.interface.js';

type Status = AuthChallenge['status'];

/** What a flow is for: the status it answers, and how it may use the provider. */
interface Flow extends FlowMode {
  status: Status;
  /** The scope it asks for (undefined: the SDK's choice). */
  scope?: string;
}

/** How long a failed early refresh waits before the next try, while the token still works. */
const REFRESH_PAUSE_MS = 5_000;
/** How many of the last Authorization headers handed out stay known, for scrubbing echoes. */
const RECENT_AUTHORIZATIONS = 4;
/** RFC 6750 b64token: anything else cannot go out in an Authorization header as is. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const BAD_TOKEN = 'the access token is not a valid bearer token (RFC 6750 b64token syntax)';
const TOO_MANY_SCOPES = `the server asks for more than ${MAX_SCOPES} scopes or ${MAX_SCOPE_CHARS} characters of them in all: refused`;
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
  /** With `issuer`: where the flow may send requests (grows by its token endpoint's origin). */
  private readonly allowedOrigins?: string[];
  private readonly stepUps: StepUpLimit;
  private readonly lifetime = new TokenLifetime();
  private readonly scopes = new StepUpScopes();
  private readonly refusedRefreshTokens = new RefusedRefreshTokens();
  private flight?: SharedFlight;
  private resourceMetadataUrl?: URL;
  /** The header of the last token a server refused with 401: no call is sent with it again. */
  private refused?: string;
  private refreshPausedUntil = 0;
  private readonly handedOut: string[] = [];

  constructor(private readonly options: OAuthServerAuthOptions) {
    this.provider = options.provider;
    this.serverUrl = options.serverUrl;
    this.server = displayUrl(options.serverUrl);
    this.now = options.now ?? Date.now;
    this.allowedOrigins = options.issuer
      ? [new URL(options.serverUrl).origin, new URL(options.issuer).origin]
      : undefined;
    this.fetchFn = fetchWithTimeout({
      timeoutMs: options.requestTimeoutMs ?? 30_000,
      allowedOrigins: this.allowedOrigins,
    });
    this.stepUps = new StepUpLimit(options.maxStepUps ?? 2);
  }

  async authorization(signal?: AbortSignal): Promise<string | undefined> {
    let tokens = await this.currentTokens();
    if (this.flight) {
      // A flow under way (a user's step-up, a refresh) holds only calls with no token to send.
      if (this.usable(tokens?.access_token)) return this.header(tokens?.access_token);
      await this.flight.wait(signal).catch(() => signal?.throwIfAborted());
      tokens = await this.currentTokens();
    }
    const token = tokens?.access_token;
    const now = this.now();
    if (token === undefined || !this.lifetime.refreshDue(token, now)) return this.header(token);
    const expired = this.lifetime.expired(token, now);
    // After a failed early refresh the still-valid token is sent for a while, no flow per request;
    // with no way to renew it but the user, until it expires.
    if (!expired && (now < this.refreshPausedUntil || !this.renewableWithoutUser(tokens))) {
      return this.header(token);
    }
    try {
      // Before expiry only a refresh: a new login would hold calls the token still serves.
      await this.fly({ status: 401, refreshOnly: !expired, scope: await this.nextScope() }, signal);
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
    if (challenge.status === 401) this.refused = challenge.authorization;
    if (parsed.scope) {
      if (!this.scopes.fits(parsed.scope)) {
        throw new McpAuthError(challenge.status, this.server, TOO_MANY_SCOPES, {
          clientId: this.options.clientId,
        });
      }
      this.scopes.challenge(parsed.scope);
      if (canWidenScope(this.provider)) this.provider.widenScope(parsed.scope);
    }
    // A step-up is a new authorization: a refresh gives the scope the last one asked for.
    const scope = await this.nextScope();
    await this.fly({ status: challenge.status, reauthorize: stepUp, scope }, signal);
  }

  onSuccess(): void {
    this.stepUps.reset();
  }

  recentAuthorizations(): readonly string[] {
    return this.handedOut;
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

  /**
   * A challenge to a token that was replaced since, or a 401 to a request sent before there was
   * one: the re-sent request carries the current token. A 403 sent without a token still asks
   * for its scope.
   */
  private async isStale(challenge: AuthChallenge): Promise<boolean> {
    const current = bearer(await this.accessToken());
    if (challenge.authorization === undefined) {
      return challenge.status === 401 && current !== undefined;
    }
    return challenge.authorization !== current;
  }

  /** A token a call may be sent with while a flow runs: not expired, not refused by a 401. */
  private usable(token: string | undefined): token is string {
    if (token === undefined || bearer(token) === this.refused) return false;
    return !this.lifetime.expired(token, this.now());
  }

  /** The scope the next flow asks for: see StepUpScopes. */
  private async nextScope(): Promise<string | undefined> {
    const tokens = await this.tokens().catch(() => undefined);
    return this.scopes.next(tokens?.scope);
  }

  /** Throws McpAuthError once step-ups in a row pass the limit. */
  private countStepUp(scope: string | undefined, authorization: string | undefined): void {
    if (this.stepUps.allows(scope)) return;
    // The scope is the server's text: it could echo the token the request carried.
    const scrubber = new SecretScrubber([
      ...(this.options.secrets ?? []),
      ...headerValueSecrets(authorization),
      ...urlSecrets(this.serverUrl),
    ]);
    const asked = scope ? ` (it asks for "${scrubber.excerpt(scope, 100)}")` : '';
    throw new McpAuthError(
      403,
      this.server,
      `scope step-up limit: ${this.stepUps.max} step-ups in a row did not satisfy the server${asked}`,
      { clientId: this.options.clientId },
    );
  }

  /** Runs one flow for every caller at a time; an abandoned one is let end before the next. */
  private fly(flow: Flow, signal: AbortSignal | undefined): Promise<void> {
    const running = this.flight;
    if (running && !running.abandoned) return running.wait(signal);
    const flight = new SharedFlight(async (flightSignal) => {
      await running?.promise.catch(() => undefined);
      await this.runFlow(flow, flightSignal);
    }, flow.scope);
    const clear = (): void => {
      if (this.flight === flight) this.flight = undefined;
    };
    void flight.promise.then(clear, clear);
    this.flight = flight;
    return flight.wait(signal);
  }

  private async runFlow({ status, scope, ...mode }: Flow, signal: AbortSignal): Promise<void> {
    const clientId = this.options.clientId;
    const startedAt = this.now();
    const before = await this.tokens().catch(() => undefined);
    const metadataFetches = new ResourceMetadataFetches(this.serverUrl, this.resourceMetadataUrl);
    const flow = new FlowProvider(this.provider, mode, this.refusedRefreshTokens, {
      before: (state) => metadataFetches.check(state),
      after: (state) => this.allowTokenEndpoint(state),
    });
    // The authorization code and PKCE verifier, once there are, and every credential a request
    // of the flow sends (a client assertion): kept out of every error.
    const secrets: string[] = [];
    try {
      const options = {
        serverUrl: this.serverUrl,
        resourceMetadataUrl: this.resourceMetadataUrl,
        scope,
        fetchFn: fetchNotingCredentials(
          fetchUntil(signal, metadataFetches.fetchFn(this.fetchFn)),
          secrets,
        ),
      };
      if ((await auth(flow.provider, options)) === 'REDIRECT') {
        this.scopes.asked(flow.requestedScope);
        if (!isInteractive(this.provider)) {
          throw new McpAuthError(status, this.server, NEEDS_USER, { clientId });
        }
        const { serverUrl, fetchFn } = options;
        await exchangeCodeOnce(this.provider, flow, { serverUrl, fetchFn, secrets, signal });
      }
      const tokens = await this.tokens();
      if (!B64TOKEN.test(tokens?.access_token ?? '')) {
        // Not kept: the next request then runs a flow rather than send it.
        await this.provider.invalidateCredentials?.('tokens');
        throw new McpAuthError(status, this.server, BAD_TOKEN, { clientId });
      }
      this.lifetime.observe(tokens, startedAt);
    } catch (error) {
      // Every caller stopped waiting: the abort is theirs, not an authorization failure.
      signal.throwIfAborted();
      throw await this.failure(error, status, [
        before?.access_token,
        before?.refresh_token,
        ...secrets,
      ]);
    }
  }

  /** With `issuer`, lets the flow reach the token endpoint its own metadata names. */
  private allowTokenEndpoint(state: OAuthDiscoveryState): void {
    const issuer = this.options.issuer;
    const origin = issuer ? issuerTokenEndpointOrigin(state, issuer) : undefined;
    if (origin && !this.allowedOrigins?.includes(origin)) this.allowedOrigins?.push(origin);
  }

  /** `Bearer <token>`, never with a token that is not valid header syntax. */
  private header(token: string | undefined): string | undefined {
    if (token !== undefined && !B64TOKEN.test(token)) {
      throw new McpAuthError(401, this.server, BAD_TOKEN, { clientId: this.options.clientId });
    }
    const header = bearer(token);
    if (header !== undefined && this.handedOut.at(-1) !== header) {
      this.handedOut.push(header);
      if (this.handedOut.length > RECENT_AUTHORIZATIONS) this.handedOut.shift();
    }
    return header;
  }

  /**
   * A refresh token not refused yet, or a grant that needs no user (no redirect URL, as the SDK
   * tells a client_credentials flow).
   */
  private renewableWithoutUser(tokens: OAuthTokens | undefined): boolean {
    const refreshToken = tokens?.refresh_token;
    if (!this.provider.redirectUrl) return true;
    return Boolean(refreshToken) && !this.refusedRefreshTokens.has(refreshToken);
  }

  private async accessToken(): Promise<string | undefined> {
    return (await this.currentTokens())?.access_token;
  }

  /** The provider's tokens; a provider that throws fails the request with McpAuthError. */
  private async currentTokens(): Promise<OAuthTokens | undefined> {
    try {
      return await this.tokens();
    } catch (error) {
      throw await this.failure(error, 401);
    }
  }

  private async tokens(): Promise<OAuthTokens | undefined> {
    return await this.provider.tokens();
  }

  /** `error` as McpAuthError, scrubbed of the configured secrets and of `known` ones. */
  private failure(
    error: unknown,
    status: Status,
    known: ReadonlyArray<string | undefined> = [],
  ): Promise<McpAuthError> {
    return flowFailure(error, status, {
      provider: this.provider,
      serverUrl: this.serverUrl,
      server: this.server,
      clientId: this.options.clientId,
      secrets: [...(this.options.secrets ?? []), ...known],
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
