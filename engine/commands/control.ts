/** White-cell commands and the clock: start, pause, advance, injects, rulings, control. */
import { applyEffect, emit } from '../context.js';
import { reject } from '../errors.js';
import { fireInject } from '../injects.js';
import { advanceTurn, startExercise } from '../turn.js';
import type { CommandSpec } from './spec.js';
import { lookup } from '../scenario/lookup.js';
import { own } from '../state.js';

export const start: CommandSpec<'start'> = {
  who: 'clock',
  inSetup: true,
  whilePaused: true,
  check: (s) =>
    s.status === 'setup' ? null : reject('wrongPhase', 'the exercise has already started'),
  apply: (ctx) => startExercise(ctx),
  options: () => [{ type: 'start' }],
};

export const pause: CommandSpec<'pause'> = {
  who: 'facilitator',
  whilePaused: true,
  check: (s) => (s.paused ? reject('wrongPhase', 'the exercise is already paused') : null),
  apply: (ctx) => {
    ctx.s.paused = true;
    emit(ctx, 'paused', 'The white cell paused the exercise.');
  },
  options: () => [{ type: 'pause' }],
};

export const resume: CommandSpec<'resume'> = {
  who: 'facilitator',
  whilePaused: true,
  check: (s) => (s.paused ? null : reject('wrongPhase', 'the exercise is not paused')),
  apply: (ctx) => {
    ctx.s.paused = false;
    emit(ctx, 'resumed', 'The white cell resumed the exercise.');
  },
  options: () => [{ type: 'resume' }],
};

export const advance: CommandSpec<'advance'> = {
  who: 'clock',
  check: () => null,
  apply: (ctx) => advanceTurn(ctx),
  options: () => [{ type: 'advance' }],
};

export const fireInjectCommand: CommandSpec<'fireInject'> = {
  who: 'facilitator',
  whilePaused: true,
  check: (s, c) => {
    const def = lookup(s.scenario).event.get(c.event);
    if (!def) return reject('unknownTarget', `no inject '${c.event}' in this scenario`);
    if (own(s.injects.active, c.event))
      return reject('wrongPhase', `inject '${c.event}' is already active`);
    if ((s.injects.fired[c.event] ?? 0) >= def.trigger.repeat) {
      return reject(
        'impossible',
        `inject '${c.event}' has fired its ${def.trigger.repeat} time(s)`,
      );
    }
    return null;
  },
  apply: (ctx, c) => {
    const def = lookup(ctx.scenario).event.get(c.event);
    if (def) fireInject(ctx, def, 'facilitator');
  },
  options: (s) =>
    s.scenario.events
      .filter((e) => e.trigger.hipPocket)
      .map((e) => ({ type: 'fireInject', event: e.id })),
};

export const ruling: CommandSpec<'ruling'> = {
  who: 'facilitator',
  whilePaused: true,
  check: (s, c) => {
    for (const f of Object.keys(c.effect.factors ?? {})) {
      if (own(s.public.factors, f) === undefined)
        return reject('unknownTarget', `no factor '${f}'`);
    }
    for (const r of Object.keys(c.effect.resources ?? {})) {
      if (own(s.public.resources, r) === undefined)
        return reject('unknownTarget', `no resource '${r}'`);
    }
    for (const t of Object.keys(c.effect.support ?? {})) {
      if (!own(s.teams, t) && own(s.control.unscSupport, t) === undefined) {
        return reject('unknownTarget', `no team or UNSC member '${t}'`);
      }
    }
    return null;
  },
  apply: (ctx, c) => {
    const text = applyEffect(ctx, c.effect);
    emit(ctx, 'ruling', () => `White cell ruling — ${c.reason} ${text}`.trim());
  },
  options: () => [],
};

export const override: CommandSpec<'override'> = {
  who: 'facilitator',
  whilePaused: true,
  check: (s, c) =>
    own(s.injects.active, c.event)
      ? null
      : reject('unknownTarget', `inject '${c.event}' is not active`),
  apply: (ctx, c) => {
    ctx.s.control.overrides[c.event] = { outcome: c.outcome, reason: c.reason };
    emit(
      ctx,
      'ruling',
      () => `White cell will rule '${c.event}' a ${c.outcome}: ${c.reason}`,
      'control',
    );
  },
  options: (s) =>
    Object.keys(s.injects.active).flatMap((event) => [
      { type: 'override', event, outcome: 'success', reason: 'white cell ruling' },
      { type: 'override', event, outcome: 'failure', reason: 'white cell ruling' },
    ]),
};

export const setControl: CommandSpec<'setControl'> = {
  who: 'facilitator',
  inSetup: true,
  whilePaused: true,
  check: (s, c) => {
    const team = own(s.teams, c.team);
    if (!team) return reject('unknownTarget', `no team '${c.team}'`);
    return team.control === c.mode
      ? reject('impossible', `team '${c.team}' is already ${c.mode}`)
      : null;
  },
  apply: (ctx, c) => {
    const team = own(ctx.s.teams, c.team);
    if (team) team.control = c.mode;
    emit(
      ctx,
      'decision',
      () =>
        `Team ${c.team} is now played by ${c.mode === 'human' ? 'its players' : 'its default policy'}.`,
    );
  },
  options: (s) =>
    Object.entries(s.teams).map(([team, t]) => ({
      type: 'setControl',
      team,
      mode: t.control === 'human' ? 'policy' : 'human',
    })),
};
