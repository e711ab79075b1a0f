import { readFileSync } from 'node:fs';

/** Peak resident memory (VmHWM) of a process, in MB; undefined when /proc is not readable (not Linux, or it exited). */
export function peakRssMbOf(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
