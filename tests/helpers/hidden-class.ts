/**
 * Whether two objects share a V8 hidden class (map). Records made by the thousand should:
 * built by spreading a frozen or once-mutated record and adding keys, each got a class of its
 * own, which made a fifth of a server's heap and every read of them megamorphic.
 */
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--allow-natives-syntax');
// Compiled after the flag is set, so that it may call V8's own check.
// eslint-disable-next-line @typescript-eslint/no-implied-eval
export const sameHiddenClass = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (
  a: object,
  b: object,
) => boolean;

/** The objects of `all` whose hidden class is not the first one's. */
export function otherClasses<T extends object>(all: readonly T[]): T[] {
  const first = all[0];
  return first === undefined ? [] : all.filter((x) => !sameHiddenClass(first, x));
}
