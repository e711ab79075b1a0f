import type { Decider } from '../decider';

/**
 * Given/when/then on data for any decider, built on Jest's `expect`:
 *
 *   const { given } = deciderSpec(poolDecider);
 *   given([appropriated]).when(send).then([allocationSent]);
 *   given([]).when(send).thenThrows(InsufficientFundsError, { requestedFen: 100n });
 *
 * `then` also folds the produced events, so every scenario proves its events apply cleanly
 * (evolve asserts the invariants), and returns the resulting state for further checks.
 */
type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface DeciderScenario<State, Event> {
  then(expectedEvents: readonly Event[]): State;
  thenThrows<E extends Error>(
    errorClass: ErrorClass<E>,
    expectedProperties?: Partial<Record<keyof E, unknown>>,
  ): E;
}

export interface DeciderSpec<State, Command, Event> {
  given(events: readonly Event[]): { when(command: Command): DeciderScenario<State, Event> };
}

export function deciderSpec<State, Command, Event>(
  decider: Decider<State, Command, Event>,
): DeciderSpec<State, Command, Event> {
  const fold = (state: State, events: readonly Event[]): State =>
    events.reduce((current, event) => decider.evolve(current, event), state);

  return {
    given: (events) => ({
      when: (command) => {
        const state = fold(decider.initialState(), events);
        return {
          then: (expectedEvents) => {
            const actual = decider.decide(command, state);
            expect(actual).toStrictEqual(expectedEvents);
            return fold(state, actual);
          },
          thenThrows<E extends Error>(
            errorClass: ErrorClass<E>,
            expectedProperties?: Partial<Record<keyof E, unknown>>,
          ): E {
            let thrown: unknown;
            let produced: Event[] | undefined;
            try {
              produced = decider.decide(command, state);
            } catch (error) {
              thrown = error;
            }
            if (produced !== undefined) {
              throw new Error(
                `expected ${errorClass.name} but decide returned ${stringify(produced)}`,
              );
            }
            expect(thrown).toBeInstanceOf(errorClass);
            if (expectedProperties !== undefined) expect(thrown).toMatchObject(expectedProperties);
            return thrown as E;
          },
        };
      },
    }),
  };
}

function stringify(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
}
