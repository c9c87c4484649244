/** Every command in plain words, for the forms' choices and their confirmations. */
import type { CommandBody } from '../../../engine/commands/schema.js';
import type { View } from '../../../engine/views.js';
import { caveatLabel, words } from '../lib/format.js';

/** Names of the things commands refer to, as the role's view knows them. */
export interface Names {
  readonly team: (id: string) => string;
  /** A UNSC member or a team (diplomacy targets either). */
  readonly member: (id: string) => string;
  readonly slot: (id: string) => string;
  readonly inject: (id: string) => string;
  readonly contingent: (id: string) => string;
}

export function namesOf(view: View): Names {
  const teams = new Map(view.scenario.teams.map((t) => [t.id, t.name]));
  const members = new Map(view.scenario.unscMembers.map((m) => [m.id, m.name]));
  const slots = new Map(view.scenario.cjsor.map((s) => [s.id, s]));
  const injects = new Map<string, string>();
  // The white cell knows every inject of the scenario; others the active ones they may see.
  for (const e of view.full?.scenario.events ?? []) injects.set(e.id, e.title);
  for (const i of view.injects) injects.set(i.id, i.title);
  const force = new Map(
    (view.full ? Object.values(view.full.force.contingents) : (view.force ?? [])).map((c) => [
      c.id,
      c,
    ]),
  );
  const team = (id: string): string => teams.get(id) ?? id;
  return {
    team,
    member: (id) => {
      const m = members.get(id);
      return m !== undefined ? `${m} (Council member)` : `${team(id)} (ally)`;
    },
    slot: (id) => {
      const s = slots.get(id);
      return s ? `${words(s.capability)} (slot ${id})` : id;
    },
    inject: (id) => injects.get(id) ?? id,
    contingent: (id) => {
      const c = force.get(id);
      return c ? `${team(c.nation)}: ${c.units} × ${words(c.capability)} (${id})` : id;
    },
  };
}

/** What the command does, as a sentence without a full stop. */
export function describeCommand(c: CommandBody, n: Names): string {
  switch (c.type) {
    case 'start':
      return 'Start the exercise';
    case 'pause':
      return 'Pause the exercise';
    case 'resume':
      return 'Resume the exercise';
    case 'advance':
      return 'End this turn and open the next';
    case 'fireInject':
      return `Fire the inject “${n.inject(c.event)}”`;
    case 'ruling':
      return `Rule: ${c.reason}`;
    case 'override':
      return `Rule “${n.inject(c.event)}” a ${c.outcome}: ${c.reason}`;
    case 'setControl':
      return `Hand ${n.team(c.team)} to ${c.mode === 'human' ? 'its players' : 'its default policy'}`;
    case 'draftResolution':
      return `Table a Chapter ${c.chapter} draft resolution at the Security Council`;
    case 'castVote':
      return `Vote ${c.vote.toUpperCase()} on the draft resolution`;
    case 'proceedWithoutMandate':
      return 'Act without a UN Security Council mandate';
    case 'abandon':
      return 'Abandon the operation';
    case 'diplomacy':
      return `Lobby ${n.member(c.target)}`;
    case 'circulate':
      return 'Circulate the draft NAC decision under silence procedure';
    case 'breakSilence':
      return `Break silence in the North Atlantic Council${c.reason ? `: ${c.reason}` : ''}`;
    case 'reservation':
      return `Acquiesce with a reservation: ${caveatLabel(c.caveat)}`;
    case 'nationalDecision':
      return c.approve ? 'Approve a national contribution' : 'Decline a national contribution';
    case 'pledge': {
      const caveats = c.caveats?.length
        ? `, with caveats: ${c.caveats.map(caveatLabel).join(', ')}`
        : '';
      return `Pledge ${c.units} unit(s) of ${n.slot(c.slot)}${caveats}`;
    }
    case 'reask':
      return 'Re-ask the nations to fill the gaps (another force sourcing round)';
    case 'acceptGaps':
      return 'Accept the remaining gaps';
    case 'transferAuthority':
      return 'Transfer authority: the pledged forces come under alliance command';
    case 'prioritiseLift':
      return `Give ${n.contingent(c.contingent)} first call on strategic lift`;
    case 'setRoe':
      return `Set ${c.posture} rules of engagement`;
    case 'cimic':
      return 'Launch a CIMIC project (civil-military cooperation)';
    case 'shareIntel':
      return 'Share intelligence with the coalition';
    case 'respond':
      return `Commit ${n.contingent(c.contingent)} to “${n.inject(c.event)}”`;
  }
}
