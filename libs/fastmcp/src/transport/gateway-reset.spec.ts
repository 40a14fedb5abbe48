import { describe, expect, it } from 'vitest';
import { saysResetAfterSending } from './gateway-reset.js';

const envoy = (reason: string) =>
  `upstream connect error or disconnect/reset before headers. reset reason: ${reason}`;

describe('saysResetAfterSending', () => {
  it.each([
    envoy('connection termination'),
    envoy('remote reset'),
    envoy('local reset'),
    envoy('protocol error'),
    'upstream connect error or disconnect/reset before headers. retried and the latest reset reason: connection termination',
  ])('reads a 503 saying %j as a request that may have run', (body) => {
    expect(saysResetAfterSending(503, body)).toBe(true);
  });

  // Never sent: a refusal, sent again like any 503.
  it.each([
    envoy('connection failure'),
    envoy('remote connection failure'),
    envoy('connection timeout'),
    envoy('overflow'),
    envoy('remote refused stream reset'),
    'no healthy upstream',
    'Service Unavailable',
    '',
  ])('does not read a 503 saying %j so', (body) => {
    expect(saysResetAfterSending(503, body)).toBe(false);
  });

  it('reads only a 503 so', () => {
    expect(saysResetAfterSending(502, envoy('connection termination'))).toBe(false);
  });
});
