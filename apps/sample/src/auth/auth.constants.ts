/** The admin API key of this run (from ADMIN_API_KEY, or generated at start). */
export const ADMIN_API_KEY = Symbol('Sample:AdminApiKey');

/** Metadata key of `@OpsEndpoint()`. */
export const OPS_ENDPOINT = 'sample:ops-endpoint';
