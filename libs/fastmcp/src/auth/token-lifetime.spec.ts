import { describe, expect, it } from 'vitest';
import { TokenLifetime } from './token-lifetime.js';

const T0 = 1_000_000;

describe('TokenLifetime', () => {
  it('is due 30 s before expiry for long-lived tokens', () => {
    const lifetime = new TokenLifetime();
    lifetime.observe({ access_token: 'a', token_type: 'Bearer', expires_in: 3600 }, T0);
    expect(lifetime.refreshDue('a', T0 + 3_569_999)).toBe(false);
    expect(lifetime.refreshDue('a', T0 + 3_570_000)).toBe(true);
    expect(lifetime.expired('a', T0 + 3_599_999)).toBe(false);
    expect(lifetime.expired('a', T0 + 3_600_000)).toBe(true);
  });

  it('is due at 90 % of the lifetime for short-lived tokens', () => {
    const lifetime = new TokenLifetime();
    lifetime.observe({ access_token: 'a', token_type: 'Bearer', expires_in: 60 }, T0);
    expect(lifetime.refreshDue('a', T0 + 53_999)).toBe(false);
    expect(lifetime.refreshDue('a', T0 + 54_000)).toBe(true);
  });

  it('never refreshes early a token of unknown age or lifetime', () => {
    const lifetime = new TokenLifetime();
    expect(lifetime.refreshDue('restored', T0 + 10 ** 9)).toBe(false);
    lifetime.observe({ access_token: 'b', token_type: 'Bearer' }, T0);
    expect(lifetime.refreshDue('b', T0 + 10 ** 9)).toBe(false);
    lifetime.observe({ access_token: 'c', token_type: 'Bearer', expires_in: 0 }, T0);
    expect(lifetime.expired('c', T0 + 10 ** 9)).toBe(false);
  });

  it('keeps the first sighting of a token: seeing it again does not make it younger', () => {
    const lifetime = new TokenLifetime();
    lifetime.observe({ access_token: 'a', token_type: 'Bearer', expires_in: 100 }, T0);
    lifetime.observe({ access_token: 'a', token_type: 'Bearer', expires_in: 100 }, T0 + 80_000);
    expect(lifetime.refreshDue('a', T0 + 90_000)).toBe(true);
    expect(lifetime.refreshDue('other', T0 + 90_000)).toBe(false);
  });
});
