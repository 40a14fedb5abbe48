import { ServerPipelines } from '@app/fastmcp';
import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';

/** `circuits`: down while any server's circuit breaker is open (half-open is probing: up). */
@Injectable()
export class CircuitHealthIndicator {
  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(ServerPipelines) private readonly pipelines: ServerPipelines,
  ) {}

  check(): HealthIndicatorResult<'circuits'> {
    const indicator = this.health.check('circuits');
    const states = this.pipelines.circuitStates();
    const open = Object.keys(states).filter((server) => states[server] === 'open');
    return open.length > 0 ? indicator.down({ ...states, open }) : indicator.up({ ...states });
  }
}
