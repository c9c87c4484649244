/**
 * The workload of `npm run bench:instructions -- --sessions` (see instructions.bench.ts): the
 * server's session work in miniature, without the network, the journal or the other thread.
 * 50 live sessions of the tutorial (a 500-turn clock) play the rounds of bench:server — each
 * of 4 teams lobbies, then the white cell advances the clock — with every role connected and
 * every frame pushed at once (`pushDelayMs: 0`), to a store whose appends are durable at once.
 * 50 rounds warm the JIT up, then `rounds` more are played. Prints how many actions those were.
 *
 *   node <bundle of this file> <rounds>
 */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { CommandBody, Role } from '../engine/index.js';
import { parseScenarioText } from '../src/scenario/load.js';
import { DEFAULT_LIMITS } from '../server/limits.js';
import { silentLogger } from '../server/log.js';
import { LiveSession, type Peer } from '../server/session.js';
import type { SessionMeta, SessionStore } from '../server/store.js';

const SESSIONS = 50;
const WARM_UP = 50;
const TEAMS = ['alliance', 'arl', 'bor', 'cas'] as const;
const TARGET = { alliance: 'arl', arl: 'bor', bor: 'cas', cas: 'arl' } as const;

/** A connection that takes its frames and drops them. */
class NullPeer implements Peer {
  sentSeq = 0;
  viewSeq = 0;
  lagging = false;
  constructor(readonly role: Role) {}
  send(): void {}
  buffered(): number {
    return 0;
  }
  close(): void {}
}

async function main(rounds: number): Promise<void> {
  const doc = parseDocument(readFileSync('scenarios/tutorial.yaml', 'utf8'));
  doc.setIn(['clock', 'maxTurns'], 500);
  const parsed = parseScenarioText(doc.toString(), 'tutorial.yaml');
  if (!parsed.ok) throw new Error('the tutorial does not load');
  // Only append is called: a session's log goes nowhere.
  const store = { append: () => Promise.resolve() } as unknown as SessionStore;
  const services = { store, limits: { ...DEFAULT_LIMITS, pushDelayMs: 0 }, log: silentLogger };
  let ids = 0;
  const sessions = Array.from({ length: SESSIONS }, (_, i) => {
    const meta = { id: `session${i}`, seed: `seed${i}` } as SessionMeta;
    const session = new LiveSession(meta, parsed.scenario, services);
    const white = new NullPeer('facilitator');
    const teams = TEAMS.map((t) => new NullPeer(`team:${t}`));
    for (const p of [white, new NullPeer('observer'), ...teams]) session.join(p, undefined);
    return { session, white, teams };
  });
  const submit = (s: LiveSession, p: Peer, c: CommandBody): void => s.submit(p, `c${ids++}`, c);
  const settled = (): Promise<unknown> => Promise.all(sessions.map((x) => x.session.whenIdle()));
  for (const { session, white } of sessions) {
    for (const team of TEAMS) submit(session, white, { type: 'setControl', team, mode: 'human' });
    submit(session, white, { type: 'start' });
  }
  await settled();
  const play = async (n: number): Promise<void> => {
    for (let k = 0; k < n; k++) {
      for (const { session, teams } of sessions) {
        teams.forEach((p, i) => {
          submit(session, p, { type: 'diplomacy', target: TARGET[TEAMS[i] ?? 'arl'] });
        });
      }
      await settled();
      for (const { session, white } of sessions) submit(session, white, { type: 'advance' });
      await settled();
    }
  };
  await play(WARM_UP);
  await play(rounds);
  console.log(`actions ${rounds * SESSIONS * (TEAMS.length + 1)}`);
}

await main(Number(process.argv[2] ?? 100));
