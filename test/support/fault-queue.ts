import {
  type Fault,
  type FaultMatch,
  type FaultRule,
  type InjectedFault,
} from './fault-proxy.types.js';

/** What a request looks like to a {@link FaultMatch}. */
export interface RequestFacts {
  readonly httpMethod: string;
  readonly messages: readonly { readonly method?: string; readonly toolName?: string }[];
}

/** Ordered fault rules; the first matching rule with uses left is applied. */
export class FaultQueue {
  private rules: InjectedFault[] = [];

  inject(rule: FaultRule): InjectedFault {
    const injected: InjectedFault = { rule, remaining: rule.times ?? 1, hits: 0, passed: 0 };
    this.rules.push(injected);
    return injected;
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes one use of the first rule matching `facts`, returning its fault. */
  take(facts: RequestFacts): Fault | undefined {
    const injected = this.rules.find((r) => r.remaining > 0 && matches(r.rule.match, facts));
    if (!injected) return undefined;
    if (injected.passed < (injected.rule.after ?? 0)) {
      injected.passed += 1;
      return undefined;
    }
    injected.remaining -= 1;
    injected.hits += 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return injected.rule.fault;
  }
}

function matches(match: FaultMatch | undefined, facts: RequestFacts): boolean {
  if (!match) return true;
  if (match.httpMethod !== undefined && match.httpMethod !== facts.httpMethod) return false;
  if (match.method === undefined && match.toolName === undefined) return true;
  return facts.messages.some(
    (m) =>
      (match.method === undefined || m.method === match.method) &&
      (match.toolName === undefined || m.toolName === match.toolName),
  );
}
