import { describe, expect, it, vi } from 'vitest';
import { FastMcpShutdownError } from '../errors/fastmcp-shutdown.error.js';
import { InFlightTicket } from './in-flight-ticket.js';

describe('InFlightTicket', () => {
  it('ends its operation once, with the shutdown reason', () => {
    const ticket = new InFlightTicket(() => undefined);
    const stop = vi.fn();
    ticket.onShutdown(stop);
    const reason = new FastMcpShutdownError('grace over');
    ticket.shutDown(reason);
    ticket.shutDown(new FastMcpShutdownError('again'));
    expect(stop).toHaveBeenCalledOnce();
    expect(stop).toHaveBeenCalledWith(reason);
    expect(ticket.shutdownReason).toBe(reason);
  });

  it('ends an operation at once that says how only after the grace ran out', () => {
    const ticket = new InFlightTicket(() => undefined);
    const reason = new FastMcpShutdownError('grace over');
    ticket.shutDown(reason);
    const stop = vi.fn();
    ticket.onShutdown(stop);
    expect(stop).toHaveBeenCalledWith(reason);
  });

  it('is released when its operation is done', () => {
    const release = vi.fn();
    const ticket = new InFlightTicket(release);
    ticket.done();
    expect(release).toHaveBeenCalledWith(ticket);
    expect(ticket.shutdownReason).toBeUndefined();
  });
});
