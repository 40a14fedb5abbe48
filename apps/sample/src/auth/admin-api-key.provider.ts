import { randomBytes } from 'node:crypto';
import { Logger, type Provider } from '@nestjs/common';
import { SAMPLE_CONFIG } from '../config/sample-config.constants.js';
import type { SampleConfig } from '../config/sample-config.interface.js';
import { ADMIN_API_KEY } from './auth.constants.js';

/** ADMIN_API_KEY, or a random key generated now and printed once. */
export const adminApiKeyProvider: Provider = {
  provide: ADMIN_API_KEY,
  useFactory: (config: SampleConfig): string => {
    if (config.adminApiKey) return config.adminApiKey;
    const key = randomBytes(24).toString('base64url');
    new Logger('Sample').warn(
      `ADMIN_API_KEY is not set; the API key of this run is ${key} (send it as "Authorization: Bearer <key>" or "x-api-key")`,
    );
    return key;
  },
  inject: [SAMPLE_CONFIG],
};
