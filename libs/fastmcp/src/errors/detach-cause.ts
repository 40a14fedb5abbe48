interface AxiosLike extends Error {
  isAxiosError: true;
  code?: string;
  status?: number;
}

function isAxiosLike(value: unknown): value is AxiosLike {
  return value instanceof Error && (value as Partial<AxiosLike>).isAxiosError === true;
}

/**
 * The cause as a FastMcpError keeps it. An axios error (its request config holds every header
 * sent, its request and response the sockets) becomes a plain Error with the same name,
 * message, stack, `code` and `status`, and its own cause detached the same way.
 */
export function detachCause(cause: unknown): unknown {
  if (!isAxiosLike(cause)) return cause;
  const inner: unknown = cause.cause;
  const plain = new Error(
    cause.message,
    inner === undefined ? undefined : { cause: detachCause(inner) },
  );
  plain.name = cause.name;
  plain.stack = cause.stack;
  if (cause.code !== undefined) Object.assign(plain, { code: cause.code });
  if (cause.status !== undefined) Object.assign(plain, { status: cause.status });
  return plain;
}
