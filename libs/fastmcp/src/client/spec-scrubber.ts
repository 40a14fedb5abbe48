import { configuredSecrets, targetSecrets } from '../auth/configured-secrets.js';
import { SecretScrubber } from '../auth/secret-scrubber.js';
import type { ResolvedFastMcpOptions } from '../options/fastmcp-options.interface.js';
import type { OperationSpec } from './operation-spec.interface.js';

/**
 * A scrubber of every configured secret and those of the operation's last request. Built only
 * where text from elsewhere is about to become an error (rare), never per call.
 */
export function specScrubber(
  options: Pick<ResolvedFastMcpOptions, 'servers' | 'baseUrl'>,
  spec: OperationSpec<unknown>,
): SecretScrubber {
  const target = spec.lastTarget();
  return new SecretScrubber([
    ...configuredSecrets(options),
    ...(target ? targetSecrets(target.headers, target.url) : []),
  ]);
}
