import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NotReplicatedError } from './not-replicated.error.js';
import type { DlqRedisClient } from './redis-client.js';

const INCLUDE = /^--- @include "([\w/-]+)"$/gm;

/** The text of `lua/<name>.lua` with its `--- @include "<file>"` lines replaced by those files. */
export function loadLua(name: string, seen: ReadonlySet<string> = new Set()): string {
  if (seen.has(name)) throw new Error(`Lua include cycle at ${name}`);
  const source = readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
  return source.replace(INCLUDE, (_, include: string) =>
    loadLua(include, new Set([...seen, name])),
  );
}

/**
 * A Lua script run with EVALSHA, falling back to EVAL once when the server does not know it
 * (after a restart, on a fresh node, or on the node a slot just moved to). Works the same on a
 * connection the app owns, so the module never adds commands to a client it was handed. Every
 * key the script touches is passed in `keys`, so a cluster routes and checks them as one slot.
 */
export class LuaScript {
  private loaded: { source: string; sha: string } | undefined;

  constructor(readonly name: string) {}

  /** Read on first use, so an app that never talks to Redis never reads the files. */
  get source(): string {
    return this.load().source;
  }

  get sha(): string {
    return this.load().sha;
  }

  /**
   * Runs the script. With `replicas`, its writes must also reach that many replicas (see
   * runReplicated); without, the master's answer is enough.
   */
  async run(
    redis: DlqRedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
    replicas?: { count: number; timeoutMs: number },
  ): Promise<unknown> {
    if (replicas) return this.runReplicated(redis, keys, args, replicas);
    return this.withFallback((command, body) =>
      command === 'evalsha'
        ? redis.evalsha(body, keys.length, ...keys, ...args)
        : redis.eval(body, keys.length, ...keys, ...args),
    );
  }

  /**
   * Runs the script, then `WAIT count timeoutMs` on the same connection (one pipeline, routed by
   * the script's keys on a cluster): throws NotReplicatedError unless `count` replicas have its
   * writes.
   */
  private async runReplicated(
    redis: DlqRedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
    replicas: { count: number; timeoutMs: number },
  ): Promise<unknown> {
    return this.withFallback(async (command, body) => {
      const replies = await redis
        .pipeline()
        [command](body, keys.length, ...keys, ...args)
        .call('WAIT', replicas.count, replicas.timeoutMs)
        .exec();
      const [[scriptError, reply], [waitError, reached]] = replies as Array<
        [Error | null, unknown]
      >;
      if (scriptError) throw scriptError;
      if (waitError) throw waitError;
      if (Number(reached) < replicas.count) {
        throw new NotReplicatedError(reply, Number(reached), replicas);
      }
      return reply;
    });
  }

  /** `send` with EVALSHA, then once with EVAL when the server does not know the script. */
  private async withFallback(
    send: (command: 'evalsha' | 'eval', body: string) => Promise<unknown>,
  ): Promise<unknown> {
    try {
      return await send('evalsha', this.sha);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return send('eval', this.source);
    }
  }

  private load(): { source: string; sha: string } {
    if (!this.loaded) {
      const source = loadLua(this.name);
      this.loaded = { source, sha: createHash('sha1').update(source).digest('hex') };
    }
    return this.loaded;
  }
}
