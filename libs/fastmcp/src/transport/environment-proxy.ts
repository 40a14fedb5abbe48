const PROXY_VARIABLES = [
  'HTTP_PROXY',
  'http_proxy',
  'HTTPS_PROXY',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
];

/** The proxy URLs the environment names (their credentials are secrets a proxy may echo). */
export function environmentProxyUrls(): string[] {
  return PROXY_VARIABLES.flatMap((name) => process.env[name] ?? []);
}

/** True when the environment names an HTTP(S) proxy (axios and undici then use it). */
export function environmentNamesProxy(): boolean {
  return PROXY_VARIABLES.some((name) => process.env[name]);
}
