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
  type: Type;
  data: Data;
}
