import { SetMetadata } from '@nestjs/common';
import { OPS_ENDPOINT } from './auth.constants.js';

/** An operations endpoint: open without the API key when METRICS_PUBLIC / HEALTH_PUBLIC say so. */
export const OpsEndpoint = (kind: 'metrics' | 'health') => SetMetadata(OPS_ENDPOINT, kind);
