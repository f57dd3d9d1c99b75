/**
 * Given/when/then for deciders (after emmett's DeciderSpecification): given past events, when a command, then the
 * new events — or the domain error it must be refused with.
 */
import {
  decide,
  DomainError,
  fold,
  type AssignmentCommand,
  type DomainErrorCode,
} from '../../workflows/assignment/decider';
import type { AssignmentEvent } from '../../workflows/assignment/events';

export function given(...history: AssignmentEvent[]) {
  const state = fold(history);
  return {
    when(command: AssignmentCommand) {
      return {
        then(expected: AssignmentEvent[]) {
          expect(decide(command, state)).toEqual(expected);
        },
        thenRefused(code: DomainErrorCode, message?: RegExp) {
          let error: unknown;
          try {
            decide(command, state);
          } catch (e) {
            error = e;
          }
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe(code);
          if (message) expect((error as DomainError).message).toMatch(message);
        },
      };
    },
  };
}
