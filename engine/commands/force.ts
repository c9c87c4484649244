/** Force generation decisions: pledges against the CJSOR, gap review, transfer of authority. */
import { emit, type StepContext } from '../context.js';
import { reject } from '../errors.js';
import type { ForceGenerationContext } from '../machines/force-generation.js';
import { inForceGeneration, sendForceGeneration } from '../phase.js';
import type { CaveatName, ScenarioTeam } from '../scenario/schema.js';
import type { SessionState } from '../state.js';
import type { CommandOf } from './schema.js';
import type { CommandSpec } from './spec.js';
import { lookup } from '../scenario/lookup.js';

const fgContext = (s: SessionState): ForceGenerationContext =>
  s.machines.forceGeneration.context as ForceGenerationContext;

/** The most units `team` could still pledge to `slot` (offer, ceiling and the slot's gap). */
export function pledgeRoom(s: SessionState, team: ScenarioTeam, slotId: string): number {
  const slot = lookup(s.scenario).slot.get(slotId);
  const units = s.teams[team.id]?.units;
  if (!slot || !units) return 0;
  const offer = (team.offers[slot.capability] ?? 0) - (units.byCapability[slot.capability] ?? 0);
  const ceiling = (team.troopCeiling ?? Infinity) - units.pledged;
  const gap = slot.required - (s.public.cjsor[slot.id] ?? 0);
  return Math.max(0, Math.min(offer, ceiling, gap));
}

export const pledge: CommandSpec<'pledge'> = {
  who: ['nation'],
  check: (s, c, team) => {
    if (!team) return reject('forbidden', 'only nations pledge forces');
    if (!inForceGeneration(s, 'pledging')) return reject('wrongPhase', 'no pledge round is open');
    if (s.public.mandate.approvals[team.id] !== 'approved') {
      return reject('forbidden', `${team.name} has no national approval to contribute`);
    }
    const slot = lookup(s.scenario).slot.get(c.slot);
    if (!slot) return reject('unknownTarget', `no CJSOR slot '${c.slot}'`);
    if (!team.offers[slot.capability]) {
      return reject('impossible', `${team.name} has no ${slot.capability} to offer`);
    }
    const room = pledgeRoom(s, team, c.slot);
    return c.units <= room
      ? null
      : reject('impossible', `${team.name} can pledge at most ${room} unit(s) to slot '${c.slot}'`);
  },
  apply: (ctx, c, team) => {
    if (team) addContingent(ctx, team, c);
  },
  options: (s, team) => {
    if (!team) return [];
    return s.scenario.forceGeneration.cjsor.flatMap((slot) => {
      const room = pledgeRoom(s, team, slot.id);
      const sizes = [...new Set([1, room])].filter((n) => n >= 1 && n <= room);
      return sizes.map((units) => ({ type: 'pledge' as const, slot: slot.id, units }));
    });
  },
};

/**
 * `<nation>-<slot>-<n>`, made once: every run of a batch names the same contingents, and a
 * string already seen is a cheap key (hashed and interned once) where a fresh one is not.
 */
function contingentId(nation: string, slot: string, n: number): string {
  let bySlot = contingentIds.get(nation);
  if (!bySlot) contingentIds.set(nation, (bySlot = new Map<string, string[]>()));
  let byN = bySlot.get(slot);
  if (!byN) bySlot.set(slot, (byN = []));
  let id = byN[n];
  if (id === undefined) {
    // A server meets scenarios of every shape: the memo is dropped before it grows large.
    if (++contingentIdsMade > 10_000) {
      contingentIds.clear();
      contingentIdsMade = 0;
    }
    id = byN[n] = `${nation}-${slot}-${n}`;
  }
  return id;
}
const contingentIds = new Map<string, Map<string, string[]>>();
let contingentIdsMade = 0;

function addContingent(ctx: StepContext, team: ScenarioTeam, c: CommandOf<'pledge'>): void {
  const { s } = ctx;
  const slot = lookup(ctx.scenario).slot.get(c.slot);
  if (!slot) return;
  const caveats = new Set<CaveatName>([
    ...team.caveats,
    ...(s.teams[team.id]?.caveats ?? []),
    ...(c.caveats ?? []),
  ]);
  const id = contingentId(team.id, slot.id, s.force.nextId++);
  s.force.contingents[id] = {
    id,
    nation: team.id,
    slot: slot.id,
    capability: slot.capability,
    units: c.units,
    caveats: [...caveats].sort(),
    atHome: c.units,
    arrived: 0,
    deployed: 0,
    committedTo: null,
  };
  s.public.cjsor[slot.id] = (s.public.cjsor[slot.id] ?? 0) + c.units;
  const units = s.teams[team.id]?.units;
  if (units) {
    units.pledged += c.units;
    units.byCapability[slot.capability] = (units.byCapability[slot.capability] ?? 0) + c.units;
  }
  emit(
    ctx,
    'decision',
    () =>
      `${team.name} pledges ${c.units} × ${slot.capability} to ${slot.id}` +
      (caveats.size ? ` with caveats ${[...caveats].join(', ')}.` : '.'),
    [team.id, lookup(ctx.scenario).alliance],
    { team: team.id },
  );
}

export const reask: CommandSpec<'reask'> = {
  who: ['alliance'],
  check: (s) => {
    if (!inForceGeneration(s, 'gapReview')) return reject('wrongPhase', 'no gaps are under review');
    const fg = fgContext(s);
    return fg.round < fg.maxRounds ? null : reject('impossible', 'no force sourcing rounds left');
  },
  apply: (ctx, _c, team) => {
    emit(
      ctx,
      'decision',
      () => `${team?.name} re-asks nations to fill the gaps (round ${fgContext(ctx.s).round + 1}).`,
      'all',
      { team: team?.id ?? '' },
    );
    sendForceGeneration(ctx, { type: 'REASK' });
  },
  options: () => [{ type: 'reask' }],
};

export const acceptGaps: CommandSpec<'acceptGaps'> = {
  who: ['alliance'],
  check: (s) => {
    if (!inForceGeneration(s, 'gapReview')) return reject('wrongPhase', 'no gaps are under review');
    return fgContext(s).criticalGaps === 0
      ? null
      : reject('impossible', 'critical CJSOR slots are empty; they cannot be accepted as gaps');
  },
  apply: (ctx, _c, team) => {
    emit(
      ctx,
      'decision',
      () => `${team?.name} accepts the remaining gaps (${fgContext(ctx.s).gaps} unit(s)).`,
      'all',
      { team: team?.id ?? '' },
    );
    sendForceGeneration(ctx, { type: 'ACCEPT_GAPS' });
  },
  options: () => [{ type: 'acceptGaps' }],
};

export const transferAuthority: CommandSpec<'transferAuthority'> = {
  who: ['alliance'],
  check: (s) =>
    inForceGeneration(s, 'toaReady')
      ? null
      : reject('wrongPhase', 'forces are not ready for transfer of authority'),
  apply: (ctx, _c, team) => {
    const { s } = ctx;
    const { liftRank } = lookup(ctx.scenario);
    const contingents = Object.values(s.force.contingents);
    // Critical slots first, then CJSOR order, then contingent id.
    s.public.lift.queue = contingents
      .map((c) => ({ id: c.id, rank: liftRank.get(c.slot) ?? 0 }))
      .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1))
      .map((c) => c.id);
    let airlift = 0;
    let total = 0;
    for (const c of contingents) {
      total += c.units;
      if (c.capability === 'strategicAirlift') airlift += c.units;
    }
    s.public.lift.capacity =
      ctx.scenario.deployment.liftPerTurn + airlift * ctx.scenario.deployment.liftPerAirliftUnit;
    s.public.units = { total, atHome: total, arrived: 0, deployed: 0 };
    emit(
      ctx,
      'decision',
      () =>
        `${team?.name}: transfer of authority — ${total} unit(s) under alliance command; strategic lift ${s.public.lift.capacity} unit(s) per turn.`,
      'all',
      { team: team?.id ?? '' },
    );
    sendForceGeneration(ctx, { type: 'TRANSFER_AUTHORITY' });
  },
  options: () => [{ type: 'transferAuthority' }],
};
