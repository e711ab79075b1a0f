// Proves that every benchmark refuses, before starting anything, a flag it does not know, a stray
// argument, a value it cannot parse and a scale it cannot run, with a message naming the flag;
// and that what it accepts reaches it as typed values with the documented defaults.
import { BenchUsageError, readBenchFlags } from '../bench/support/bench-flags';
import {
  allFlags,
  appendFlags,
  baselinesFlags,
  householdsFlags,
  integrityFlags,
  ledgerFlags,
  projectionsFlags,
  rosterFlags,
  feedsFlags,
  photosFlags,
  webhooksFlags,
} from '../bench/support/bench-options';

const benches = {
  append: appendFlags,
  baselines: baselinesFlags,
  ledger: ledgerFlags,
  projections: projectionsFlags,
  roster: rosterFlags,
  feeds: feedsFlags,
  households: householdsFlags,
  integrity: integrityFlags,
  photos: photosFlags,
  webhooks: webhooksFlags,
  all: allFlags,
};

function refusal(argv: string[], specs: (typeof benches)[keyof typeof benches]): string {
  try {
    readBenchFlags(argv, specs);
  } catch (error) {
    expect(error).toBeInstanceOf(BenchUsageError);
    return (error as Error).message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe.each(Object.entries(benches))('the %s benchmark', (_name, specs) => {
  it('refuses a flag it does not know, naming it and the flags it takes', () => {
    const message = refusal(['--scale', '0.1', '--evnets', '10'], specs);
    expect(message).toMatch(/^unknown flag --evnets; this benchmark takes .*--scale/);
  });

  it('refuses a stray argument and a flag without its value', () => {
    expect(refusal(['0.1'], specs)).toMatch(/^unexpected argument "0.1"/);
    expect(refusal(['--scale'], specs)).toBe('--scale needs a value');
    expect(refusal(['--scale', '--database-url', 'x'], specs)).toBe('--scale needs a value');
  });

  it('refuses scales it cannot run and values that are no numbers', () => {
    for (const scale of ['0', '-1', '0.0001', '1000'])
      expect(refusal(['--scale', scale], specs)).toMatch(
        new RegExp(`^--scale ${scale} cannot run: it must be a number from [\\d.]+ to \\d+`),
      );
    expect(refusal(['--scale=abc'], specs)).toBe('--scale must be a number, got "abc"');
    expect(refusal(['--scale', '0.1', '--scale', '0.2'], specs)).toBe('--scale is given twice');
  });
});

describe('benchmark flags', () => {
  it('gives the defaults when nothing is said, and parses what is', () => {
    expect(readBenchFlags([], baselinesFlags)).toEqual({
      workloads: ['b', 'c'],
      rounds: 2,
      scale: 1,
      stores: ['sunlight', 'unchained', 'naive-chained'],
      'database-url': undefined,
    });
    expect(
      readBenchFlags(
        ['--scale=0.05', '--workloads', 'long-pool', '--with-projections', '--rounds', '3'],
        ledgerFlags,
      ),
    ).toMatchObject({ scale: 0.05, workloads: ['long-pool'], 'with-projections': true, rounds: 3 });
    expect(
      readBenchFlags(['--concurrency', '4,16', '--adapters', 'postgres'], projectionsFlags),
    ).toMatchObject({ concurrency: [4, 16], adapters: ['postgres'] });
  });

  it('refuses list values it does not know and counts that are not whole numbers', () => {
    expect(refusal(['--workloads', 'a,d'], appendFlags)).toBe(
      '--workloads: unknown value "d" (known: a, b, c)',
    );
    expect(refusal(['--stores', 'emmett'], baselinesFlags)).toBe(
      '--stores: unknown value "emmett" (known: sunlight, unchained, naive-chained)',
    );
    expect(refusal(['--rounds', '1.5'], ledgerFlags)).toBe(
      '--rounds must be an integer, got "1.5"',
    );
    expect(refusal(['--concurrency', '4,0'], projectionsFlags)).toMatch(
      /^--concurrency 0 cannot run: it must be an integer from 1 to 256/,
    );
  });

  it('refuses a projections log smaller than the ledger set-up, by scale or by count', () => {
    expect(refusal(['--scale', '0.01'], projectionsFlags)).toMatch(
      /^--scale 0.01 cannot run: it must be a number from 0.02 to 20 \(1,000,000 events times this; fewer than 20,000 are the ledger's set-up alone\)$/,
    );
    expect(refusal(['--events', '5000'], projectionsFlags)).toMatch(
      /^--events 5000 cannot run: it must be an integer from 20000 to 20000000/,
    );
  });

  it('takes a boolean flag with no value, or =true / =false, and nothing else', () => {
    expect(readBenchFlags(['--with-projections=false'], ledgerFlags)['with-projections']).toBe(
      false,
    );
    expect(refusal(['--with-projections=yes'], ledgerFlags)).toBe(
      '--with-projections takes no value (or =true, =false)',
    );
  });
});
