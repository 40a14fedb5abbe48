import { AsyncLocalStorage } from 'node:async_hooks';
import { Agent as HttpAgent, type AgentOptions, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent, type AgentOptions as HttpsAgentOptions } from 'node:https';
import type { AxiosAdapter } from 'axios';
import type { SocketHook } from './lean-http.adapter.js';

/** `Agent#addRequest`: public in Node, absent from its typings. */
interface AgentInternals {
  addRequest(request: ClientRequest, options: object): void;
}

/**
 * Tells an attempt when its request gets a socket, i.e. when it stops waiting in the agent's
 * pool and is written. The request must be made inside `run`, through a watching agent.
 */
export class SocketWatch {
  private readonly current = new AsyncLocalStorage<() => void>();

  run<T>(onSocket: () => void, send: () => T): T {
    return this.current.run(onSocket, send);
  }

  attach(request: ClientRequest): void {
    const onSocket = this.current.getStore();
    if (onSocket) request.once('socket', onSocket);
  }
}

/**
 * axios's own http adapter behind `fallback`, with each request's `onSocket` hook kept: the
 * lean adapter calls the hook itself; axios's adapter makes its request through the agent.
 */
export function watchedFallback(watch: SocketWatch, fallback: AxiosAdapter): AxiosAdapter {
  return (config) => {
    const onSocket = (config as SocketHook).onSocket;
    return onSocket ? watch.run(onSocket, () => fallback(config)) : fallback(config);
  };
}

export class SocketWatchingHttpAgent extends HttpAgent {
  constructor(
    options: AgentOptions,
    private readonly watch: SocketWatch,
  ) {
    super(options);
  }

  addRequest(request: ClientRequest, options: object): void {
    this.watch.attach(request);
    (HttpAgent.prototype as unknown as AgentInternals).addRequest.call(this, request, options);
  }
}

export class SocketWatchingHttpsAgent extends HttpsAgent {
  constructor(
    options: HttpsAgentOptions,
    private readonly watch: SocketWatch,
  ) {
    super(options);
  }

  addRequest(request: ClientRequest, options: object): void {
    this.watch.attach(request);
    (HttpsAgent.prototype as unknown as AgentInternals).addRequest.call(this, request, options);
  }
}
