import type { DomainError } from '../shared/errors';

/**
 * given(events).when(command).then(events) / .thenThrows(ErrorClass, article): decider tests
 * that read like the rules (after emmett's DeciderSpecification).
 */
export function deciderSpecification<Command, Event, State>(decider: {
  decide: (command: Command, state: State) => Event[];
  evolve: (state: State, event: Event) => State;
  initialState: State;
}) {
  return {
    given: (history: Event[]) => ({
      when: (command: Command) => {
        const run = () =>
          decider.decide(command, history.reduce(decider.evolve, decider.initialState));
        return {
          then: (expected: Event[]) => expect(run()).toEqual(expected),
          thenMatches: (expected: Record<string, unknown>[]) =>
            expect(run()).toMatchObject(expected),
          thenThrows: (
            kind: abstract new (...args: never[]) => DomainError,
            article: string,
            field?: string,
          ) => {
            let thrown: unknown;
            try {
              run();
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(kind);
            expect(thrown).toMatchObject({ article, ...(field ? { field } : {}) });
          },
        };
      },
    }),
  };
}
