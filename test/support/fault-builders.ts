import {
  type CutStreamFault,
  type DelayAnswerFault,
  type DropSessionFault,
  type HangFault,
  type LoseAnswerFault,
  type ResetFault,
  type StatusFault,
} from './fault-proxy.types.js';

/** Shorthands for the faults of the fault proxy: `faults.status(503, { retryAfter: 1 })`. */
export const faults = {
  status: (code: number, options: Omit<StatusFault, 'kind' | 'code'> = {}): StatusFault => ({
    kind: 'status',
    code,
    ...options,
  }),
  reset: (): ResetFault => ({ kind: 'reset' }),
  hang: (): HangFault => ({ kind: 'hang' }),
  cutStream: (options: Omit<CutStreamFault, 'kind'> = {}): CutStreamFault => ({
    kind: 'cutStream',
    ...options,
  }),
  dropSession: (options: Omit<DropSessionFault, 'kind'> = {}): DropSessionFault => ({
    kind: 'dropSession',
    ...options,
  }),
  loseAnswer: (options: Omit<LoseAnswerFault, 'kind'> = {}): LoseAnswerFault => ({
    kind: 'loseAnswer',
    ...options,
  }),
  delayAnswer: (ms: number): DelayAnswerFault => ({ kind: 'delayAnswer', ms }),
};
