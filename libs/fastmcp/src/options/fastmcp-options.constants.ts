/** The options merged with defaults, validated and frozen. Inject these with `@InjectFastMcpOptions()`. */
export const FASTMCP_RESOLVED_OPTIONS = Symbol('FastMcp:ResolvedOptions');
