import { constants } from 'node:os';

export const terminationSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type TerminationSignal = (typeof terminationSignals)[number];

/**
 * Until a command says otherwise, a termination signal ends the process with the shell's code
 * for it (130 for Ctrl-C). The exit runs libs/postgres's exit guard, which asks any embedded
 * PostgreSQL this process started to shut down; `serve` installs its graceful drain instead.
 */
let handler: (signal: TerminationSignal) => void = (signal) =>
  process.exit(128 + constants.signals[signal]);
let installed = false;

/** Routes SIGINT, SIGTERM and SIGHUP to the current handler; once per process. */
export function installTerminationSignals(): void {
  if (installed) return;
  installed = true;
  for (const signal of terminationSignals) process.on(signal, () => handler(signal));
}

export function onTerminationSignal(next: (signal: TerminationSignal) => void): void {
  handler = next;
}
