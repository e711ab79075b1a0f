/**
 * The flags of a benchmark, declared once: anything else on the command line (a misspelt flag, a
 * stray word, a scale that cannot run) is refused with a message naming it, before anything is
 * started, rather than silently measuring something other than what was asked.
 */

export type FlagSpec =
  | {
      kind: 'number';
      /** Inclusive bounds; `why` says what the bounds protect, for the message. */
      min: number;
      max: number;
      integer?: boolean;
      default: number;
      why?: string;
    }
  | { kind: 'list'; default: readonly string[]; values?: readonly string[] }
  | { kind: 'numbers'; default: readonly number[]; min: number; max: number }
  | { kind: 'string'; default?: string }
  | { kind: 'boolean' };

type ValueOf<Spec extends FlagSpec> = Spec extends { kind: 'number' }
  ? number
  : Spec extends { kind: 'list' }
    ? string[]
    : Spec extends { kind: 'numbers' }
      ? number[]
      : Spec extends { kind: 'boolean' }
        ? boolean
        : Spec extends { kind: 'string'; default: string }
          ? string
          : string | undefined;

export type FlagValues<Specs extends Record<string, FlagSpec>> = {
  [Name in keyof Specs]: ValueOf<Specs[Name]>;
};

/** A command line the benchmark cannot run: printed as is, exit code 2. */
export class BenchUsageError extends Error {
  override readonly name = 'BenchUsageError';
}

/** `--name value` and `--name=value`; a boolean flag takes no value. */
export function readBenchFlags<Specs extends Record<string, FlagSpec>>(
  argv: readonly string[],
  specs: Specs,
): FlagValues<Specs> {
  const known = Object.keys(specs);
  const given = new Map<string, string | undefined>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--') || arg === '--')
      throw new BenchUsageError(
        `unexpected argument ${JSON.stringify(arg)}: every argument is a flag (${known.map((name) => `--${name}`).join(', ')})`,
      );
    const [name, inline] = splitOnce(arg.slice(2));
    const spec = specs[name];
    if (spec === undefined)
      throw new BenchUsageError(
        `unknown flag --${name}; this benchmark takes ${known.map((flag) => `--${flag}`).join(', ')}`,
      );
    if (given.has(name)) throw new BenchUsageError(`--${name} is given twice`);
    if (spec.kind === 'boolean') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false')
        throw new BenchUsageError(`--${name} takes no value (or =true, =false)`);
      given.set(name, inline ?? 'true');
      continue;
    }
    const value = inline ?? argv[i + 1];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new BenchUsageError(`--${name} needs a value`);
    if (inline === undefined) i += 1;
    given.set(name, value);
  }
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs))
    values[name] = valueOf(name, spec, given.get(name));
  return values as FlagValues<Specs>;
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf('=');
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function valueOf(name: string, spec: FlagSpec, text: string | undefined): unknown {
  switch (spec.kind) {
    case 'boolean':
      return text === 'true';
    case 'string':
      if (text === '') throw new BenchUsageError(`--${name} must not be empty`);
      return text ?? spec.default;
    case 'number':
      return text === undefined ? spec.default : numberOf(name, text, spec);
    case 'numbers':
      return text === undefined
        ? [...spec.default]
        : text.split(',').map((part) => numberOf(name, part.trim(), { ...spec, integer: true }));
    case 'list': {
      if (text === undefined) return [...spec.default];
      const items = text.split(',').map((item) => item.trim());
      for (const item of items) {
        if (item === '') throw new BenchUsageError(`--${name} has an empty item`);
        if (spec.values !== undefined && !spec.values.includes(item))
          throw new BenchUsageError(
            `--${name}: unknown value ${JSON.stringify(item)} (known: ${spec.values.join(', ')})`,
          );
      }
      return items;
    }
  }
}

function numberOf(
  name: string,
  text: string,
  spec: { min: number; max: number; integer?: boolean; why?: string },
): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  const kind = spec.integer ? 'an integer' : 'a number';
  if (!Number.isFinite(value) || (spec.integer && !Number.isInteger(value)))
    throw new BenchUsageError(`--${name} must be ${kind}, got ${JSON.stringify(text)}`);
  if (value < spec.min || value > spec.max)
    throw new BenchUsageError(
      `--${name} ${text} cannot run: it must be ${kind} from ${spec.min} to ${spec.max}${spec.why ? ` (${spec.why})` : ''}`,
    );
  return value;
}

/**
 * Runs a benchmark's `main`: a usage error prints its message and exits 2, any other failure its
 * stack and exits 1. A missed target is no error: the run's JSON says so and the exit code is 0.
 */
export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof BenchUsageError) console.error(error.message);
    else console.error(error);
    process.exit(error instanceof BenchUsageError ? 2 : 1);
  });
}
