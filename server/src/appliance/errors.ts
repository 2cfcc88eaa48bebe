// Errors the appliance reports to the person running it.
// Each has a stable snake_case code, an exit code, and a message that says what to do next.

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export class ApplianceError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApplianceError';
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_FAILURE;
  }
}

/** A bad flag, config value or argument: exit code 2. */
export class UsageError extends ApplianceError {
  constructor(code: string, message: string) {
    super(code, message, { exitCode: EXIT_USAGE });
    this.name = 'UsageError';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
