/** The notifications a 2026-07-28 `subscriptions/listen` stream asks for (or was granted). */
export interface ListenFilter {
  toolsListChanged?: true;
  promptsListChanged?: true;
  resourcesListChanged?: true;
  resourceSubscriptions?: string[];
}

/** The filter of a client id: the list changes with `listen: true`, and its subscribed URIs. */
export function listenFilter(listChanges: boolean, uris: readonly string[]): ListenFilter {
  const filter: ListenFilter = listChanges
    ? { toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true }
    : {};
  if (uris.length > 0) filter.resourceSubscriptions = [...uris];
  return filter;
}

/** True when a filter asks for nothing: no stream is kept open for it. */
export function isEmptyFilter(filter: ListenFilter): boolean {
  return Object.keys(filter).length === 0;
}

/** The filter a server acknowledged, read from its words: only the fields MCP defines. */
export function listenFilterOf(value: unknown): ListenFilter {
  if (typeof value !== 'object' || value === null) return {};
  const fields = value as Record<string, unknown>;
  const filter: ListenFilter = {};
  if (fields.toolsListChanged === true) filter.toolsListChanged = true;
  if (fields.promptsListChanged === true) filter.promptsListChanged = true;
  if (fields.resourcesListChanged === true) filter.resourcesListChanged = true;
  const uris = fields.resourceSubscriptions;
  if (Array.isArray(uris)) {
    filter.resourceSubscriptions = uris.filter((uri): uri is string => typeof uri === 'string');
  }
  return filter;
}
