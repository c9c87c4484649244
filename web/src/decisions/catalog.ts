/** The decisions a team can face, grouped by command type, each with a title and what it does. */
import type { CommandBody, CommandType } from '../../../engine/commands/schema.js';

export interface DecisionKind {
  readonly title: string;
  readonly help: string;
}

/** In the order an exercise meets them. */
export const TEAM_DECISIONS: Readonly<Partial<Record<CommandType, DecisionKind>>> = {
  draftResolution: {
    title: 'Draft resolution',
    help: 'As penholder, table a draft at the UN Security Council; the Council votes at the end of next turn. Chapter VII (enforcement) costs support with every member.',
  },
  castVote: {
    title: 'Security Council vote',
    help: 'Your vote stays secret until the tally. Nine yes votes and no permanent member against adopt the draft.',
  },
  diplomacy: {
    title: 'Diplomacy',
    help: 'Lobby an elected Council member or an ally: one initiative a turn. Success moves its support towards the mission.',
  },
  proceedWithoutMandate: {
    title: 'Act without a mandate',
    help: 'Go ahead without a Security Council mandate, at a cost in legitimacy.',
  },
  circulate: {
    title: 'North Atlantic Council',
    help: 'Circulate the draft decision under silence procedure: it passes unless an ally breaks silence by the deadline.',
  },
  breakSilence: {
    title: 'Break silence',
    help: 'Object to the draft NAC decision: consensus fails for now and the draft must be re-circulated.',
  },
  reservation: {
    title: 'Reservation',
    help: 'Let the draft pass but enter a reservation: the caveat then applies to all your contingents.',
  },
  nationalDecision: {
    title: 'National decision',
    help: 'Decide whether your nation contributes forces. Where a parliament must approve, its vote is rolled.',
  },
  pledge: {
    title: 'Pledge forces',
    help: 'Pledge units against a slot of the statement of requirements (CJSOR). Caveats you add limit what those units may do later.',
  },
  reask: {
    title: 'Gaps: re-ask',
    help: 'Open another force sourcing round so that nations can fill the gaps.',
  },
  acceptGaps: {
    title: 'Gaps: accept',
    help: 'Accept the remaining gaps and go ahead with the force pledged (never with an empty critical slot).',
  },
  transferAuthority: {
    title: 'Transfer of authority',
    help: 'Place the pledged forces under alliance command; strategic lift then moves them to theatre.',
  },
  prioritiseLift: {
    title: 'Strategic lift',
    help: 'Give a contingent first call on the strategic lift.',
  },
  setRoe: {
    title: 'Rules of engagement',
    help: 'Robust rules raise security but risk civilian harm; restrictive rules the reverse.',
  },
  respond: {
    title: 'Respond to an inject',
    help: 'Commit one of your contingents in theatre to an active inject: its chance of success improves.',
  },
  cimic: {
    title: 'CIMIC project',
    help: 'A civil-military cooperation project (one a turn): success raises local trust.',
  },
  shareIntel: {
    title: 'Intelligence sharing',
    help: 'Share intelligence with the coalition (once a turn): success raises interoperability.',
  },
  abandon: {
    title: 'Abandon the operation',
    help: 'End the operation here. The exercise ends in failure.',
  },
};

export interface DecisionGroup {
  readonly type: CommandType;
  readonly kind: DecisionKind;
  /** The legal instances of this command, as the server listed them. */
  readonly choices: readonly CommandBody[];
}

/** The team decisions open now, grouped by type in the catalogue's order. */
export function decisionGroups(commands: readonly CommandBody[]): DecisionGroup[] {
  const byType = new Map<CommandType, CommandBody[]>();
  for (const c of commands) {
    const list = byType.get(c.type);
    if (list) list.push(c);
    else byType.set(c.type, [c]);
  }
  return (Object.keys(TEAM_DECISIONS) as CommandType[]).flatMap((type) => {
    const kind = TEAM_DECISIONS[type];
    const choices = byType.get(type);
    return kind && choices ? [{ type, kind, choices }] : [];
  });
}

/** The most units the legal pledges allow for each slot (the server lists 1 and the most). */
export function pledgeRoom(choices: readonly CommandBody[]): Map<string, number> {
  const room = new Map<string, number>();
  for (const c of choices) {
    if (c.type === 'pledge') room.set(c.slot, Math.max(room.get(c.slot) ?? 0, c.units));
  }
  return room;
}
