/**
 * Why the database could not be had at start-up, in words a newcomer can act on: each message is
 * one line that names the cause and the setting to change. The CLI prints the message as it is.
 */
export type DatabaseStartupProblem =
  | 'port-in-use'
  | 'data-dir-unusable'
  | 'cluster-damaged'
  | 'cluster-incompatible'
  | 'left-over-server'
  | 'server-failed'
  | 'unreachable';

export class DatabaseStartupError extends Error {
  override readonly name = 'DatabaseStartupError';
  constructor(
    readonly problem: DatabaseStartupProblem,
    message: string,
    /** The embedded server's last log lines, for `LOG_LEVEL=debug` and bug reports. */
    readonly serverLog: readonly string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A node or libc error code (ENOTDIR, EACCES, ...) as a few plain words. */
export function describeSystemError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTDIR':
      return 'a part of the path is a file, not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EEXIST':
      return 'a file of that name exists and is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
