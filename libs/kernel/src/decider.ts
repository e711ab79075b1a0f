/**
 * A decider (Jérémie Chassaing's pattern, as in emmett): pure functions from commands and state
 * to events, and from events to state. Time, ids and the actor arrive inside the command.
 */
export interface Decider<State, Command, Event> {
  initialState: () => State;
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
}

/** An event as deciders see it: a type and its data, no storage concerns. */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/** One small function per event type: what `evolve` does with that event. */
export type Evolvers<State, Event extends DomainEvent> = {
  readonly [Type in Event['type']]: (state: State, event: Extract<Event, { type: Type }>) => State;
};

/**
 * An `evolve` from one function per event type. The map is checked by the compiler to cover every
 * type; an event of a type it does not know (old code reading a newer log) is a broken invariant.
 */
export function evolveWith<State, Event extends DomainEvent>(
  evolvers: Evolvers<State, Event>,
  what: string,
): (state: State, event: Event) => State {
  // Each evolver takes only its own event type; the lookup by `type` is what guarantees that.
  const byType: Partial<Record<string, (state: State, event: never) => State>> = evolvers;
  return (state, event) => {
    const evolver = byType[event.type];
    if (evolver === undefined) throw new Error(`invariant: unknown ${what} event ${event.type}`);
    return evolver(state, event as never);
  };
}
