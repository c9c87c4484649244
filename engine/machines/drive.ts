/**
 * Machines run through XState's pure `transition()`; their snapshots live in the session
 * state as plain data ({ value, context, status }) so the state stays JSON and hashable.
 */
import {
  initialTransition,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type EventObject,
  type StateValue,
} from 'xstate';
import { deepFreeze } from '../fork.js';

export interface PersistedMachine<C = unknown> {
  readonly value: StateValue;
  readonly context: C;
  readonly status: 'active' | 'done' | 'error' | 'stopped';
}

export function startMachine(machine: AnyStateMachine, input: unknown): PersistedMachine {
  const [snapshot] = initialTransition(machine, input) as [AnyMachineSnapshot, unknown];
  return {
    value: snapshot.value as StateValue,
    context: snapshot.context as unknown,
    status: snapshot.status,
  };
}

/**
 * Sends one event; returns the same object when the machine ignored it. Callers type the
 * events through the wrappers in engine/phase.ts.
 */
export function sendTo(
  machine: AnyStateMachine,
  persisted: PersistedMachine,
  event: EventObject,
): PersistedMachine {
  const eventKey = keyOf(event);
  // Snapshots are shared and immutable, so most calls are answered by identity.
  let bySnapshot = seen.get(machine);
  if (!bySnapshot) {
    bySnapshot = new WeakMap();
    seen.set(machine, bySnapshot);
  }
  let byEvent = bySnapshot.get(persisted);
  if (!byEvent) {
    byEvent = new Map();
    bySnapshot.set(persisted, byEvent);
  }
  const known = byEvent.get(eventKey);
  if (known !== undefined) return known;
  const result = transitionOf(machine, persisted, event, eventKey);
  byEvent.set(eventKey, result);
  return result;
}

/**
 * A memo key for an event: its type, then each other field (`DRAFT|chapter="VII"`). Numbers and
 * booleans are written as they are, which is how JSON writes them, without the cost of
 * JSON.stringify on the whole event.
 */
function keyOf(event: EventObject): string {
  let key = event.type;
  for (const k in event) {
    if (k === 'type') continue;
    const v = (event as unknown as Record<string, unknown>)[k];
    key +=
      typeof v === 'number' || typeof v === 'boolean' ? `|${k}=${v}` : `|${k}=${JSON.stringify(v)}`;
  }
  return key;
}

function transitionOf(
  machine: AnyStateMachine,
  persisted: PersistedMachine,
  event: EventObject,
  eventKey: string,
): PersistedMachine {
  // The JSON doubles as the memo key and as a private copy for XState to work on.
  const value = JSON.stringify(persisted.value);
  const context = JSON.stringify(persisted.context);
  let memo = memos.get(machine);
  if (!memo) {
    memo = new Map();
    memos.set(machine, memo);
  }
  const key = `${value}|${context}|${eventKey}`;
  const hit = memo.get(key);
  if (hit !== undefined) return hit === UNCHANGED ? persisted : hit;
  const current = machine.resolveState({
    value: JSON.parse(value) as StateValue,
    context: JSON.parse(context) as unknown,
  });
  const [next] = transition(machine, current, event) as [AnyMachineSnapshot, unknown];
  const changed = next.value !== current.value || next.context !== current.context;
  const result: PersistedMachine = changed
    ? deepFreeze({
        value: next.value as StateValue,
        context: next.context as unknown,
        status: next.status,
      })
    : persisted;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, changed ? result : UNCHANGED);
  return result;
}

/**
 * `transition()` is a pure function of (machine, snapshot, event) and costs ~30 µs here, while
 * batches replay the same few transitions thousands of times; so results are memoised, by
 * snapshot identity first and by value second. The caches change no outcome, only how fast
 * it is reached.
 */
const seen = new WeakMap<
  AnyStateMachine,
  WeakMap<PersistedMachine, Map<string, PersistedMachine>>
>();
const memos = new WeakMap<AnyStateMachine, Map<string, PersistedMachine | typeof UNCHANGED>>();
const UNCHANGED = Symbol('unchanged');
const MEMO_LIMIT = 10_000;
/** True if the machine's current state is `path` or inside it (dotted, e.g. "unsc.voting"). */
export function inState(persisted: PersistedMachine, path: string): boolean {
  const label = stateLabel(persisted.value);
  return label === path || label.startsWith(`${path}.`);
}

/** "unsc.voting" for { unsc: 'voting' }. */
export function stateLabel(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, child] = Object.entries(value)[0] ?? ['', undefined];
  return child === undefined ? key : `${key}.${stateLabel(child)}`;
}
