import type { LoggerService } from '@nestjs/common';

export interface CapturedLog {
  level: 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
  message: string;
  context?: string;
  params: unknown[];
}

/** A Nest logger that keeps every line, for asserting exact log lines in tests. */
export class CapturingLogger implements LoggerService {
  readonly lines: CapturedLog[] = [];

  log(message: unknown, ...params: unknown[]): void {
    this.push('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.push('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.push('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.push('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.push('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.push('fatal', message, params);
  }

  messages(context = 'FastMCP Enhanced'): string[] {
    return this.lines.filter((l) => l.context === context).map((l) => l.message);
  }

  private push(level: CapturedLog['level'], message: unknown, params: unknown[]): void {
    const last = params.at(-1);
    this.lines.push({
      level,
      message: typeof message === 'string' ? message : JSON.stringify(message),
      context: typeof last === 'string' ? last : undefined,
      params,
    });
  }
}
