import type { UpstreamText } from '../transport/upstream-text.js';
import { withoutKnownDeep } from '../session/server-words.js';
import type { ToolsPage } from './mcp-results.js';

/**
 * A page of tools without the request's secrets: a server may name a tool, or word its
 * description or schema, after the caller's key, and the tools are logged, traced, dead-lettered
 * and shown (a REST reply). A tool named after a secret is skipped (it could not be called by a
 * name of its own); in the others, only known secrets go, from every string and key. The page is
 * checked whole first: most hold none.
 */
export function toolsWithoutSecrets(page: ToolsPage, upstream: UpstreamText): ToolsPage {
  const strip = (text: string): string => upstream.withoutKnown(text);
  const text = JSON.stringify(page.tools);
  if (strip(text) === text) return page;
  const tools: ToolsPage['tools'] = [];
  const skipped = [...page.skipped];
  for (const tool of page.tools) {
    const name = strip(tool.name);
    if (name !== tool.name) skipped.push(name);
    else tools.push(withoutKnownDeep(tool, strip) as (typeof tools)[number]);
  }
  return { ...page, tools, skipped };
}
