import { Presets, SingleBar } from 'cli-progress';
import type { CliContext } from './cli-context';

/** Without a terminal (CI logs, cron mail) a line this often is enough to show the walk is alive. */
export const progressLineIntervalMs = 5_000;
/** A line `lineReporter` writes, e.g. `rebuilding dashboards: 30000/1000000 events (3%)`. */
export const progressLinePattern = /^[\w -]+: \d+\/\d+ events \(\d+%\)$/;

export interface ProgressReporter {
  update(eventsChecked: number, totalEvents: number): void;
  stop(): void;
}

/**
 * A bar on stderr when a person watches; plain, spaced-out lines when output goes to a log, or
 * when several run at once (`shared`: two bars would overwrite each other's line).
 */
export function createProgressReporter(
  context: Pick<CliContext, 'stderr' | 'now'>,
  label = 'verifying',
  shared = false,
): ProgressReporter {
  return context.stderr.isTTY && !shared
    ? barReporter(context, label)
    : lineReporter(context, label);
}

function barReporter({ stderr }: Pick<CliContext, 'stderr'>, label: string): ProgressReporter {
  const bar = new SingleBar(
    {
      stream: stderr as NodeJS.WritableStream,
      format: `${label} |{bar}| {value}/{total} events | {percentage}% | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(eventsChecked, totalEvents) {
      if (!started) {
        bar.start(totalEvents, eventsChecked);
        started = true;
        return;
      }
      bar.setTotal(totalEvents);
      bar.update(eventsChecked);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineReporter(
  { stderr, now }: Pick<CliContext, 'stderr' | 'now'>,
  label: string,
): ProgressReporter {
  let lastLineAtMs = now();
  return {
    update(eventsChecked, totalEvents) {
      if (now() - lastLineAtMs < progressLineIntervalMs || eventsChecked >= totalEvents) return;
      lastLineAtMs = now();
      const percent = totalEvents === 0 ? 100 : Math.floor((eventsChecked / totalEvents) * 100);
      stderr.write(`${label}: ${eventsChecked}/${totalEvents} events (${percent}%)\n`);
    },
    stop() {},
  };
}
