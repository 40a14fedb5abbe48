const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** True when the environment names an HTTP(S) proxy (axios and undici then use it). */
export function environmentNamesProxy(): boolean {
  return PROXY_VARIABLES.some((name) => process.env[name]);
}
