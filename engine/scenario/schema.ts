/**
 * The scenario language: the engine's input contract, as a zod schema.
 *
 * It lives in the engine (not in src/) so that there is exactly one definition of a
 * scenario's shape: the engine consumes `Scenario`, src/ loads YAML into it, lints it and
 * emits the JSON Schema editors use. zod is pure, so the engine stays deterministic.
 */
import { z } from 'zod';

/** Identifiers authors write: letters, digits, `-` and `_`, starting with a letter. */
export const Id = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'an id is a letter followed by letters, digits, - or _')
  // Ids key plain objects in the state; names such as `constructor` would alias Object's own.
  .refine((id) => !(id in Object.prototype), { message: 'this id is a reserved name' })
  .describe('Identifier: a letter, then letters, digits, - or _ (max 64)');

const Unit = z.number().min(0).max(1);
const Delta = z.number().min(-1).max(1);

/** The six factors every scenario declares; the built-in actions refer to them. */
export const CORE_FACTORS = [
  'consensus',
  'legitimacy',
  'logistics',
  'interoperability',
  'localTrust',
  'security',
] as const;

export const Capability = z
  .enum([
    'infantry',
    'mechanizedInfantry',
    'armour',
    'tacticalHelicopters',
    'strategicAirlift',
    'isr',
    'medical',
    'engineers',
    'logistics',
    'combatAir',
    'maritimePatrol',
    'specialForces',
    'militaryPolice',
    'signals',
    'cimic',
  ])
  .describe('A military capability a CJSOR slot asks for and a nation can offer');

export const Caveat = z
  .enum([
    'noNightOps',
    'noOffensiveOps',
    'regionRestricted',
    'noCombat',
    'noCrossBorder',
    'noDetention',
    'capitalOnly',
  ])
  .describe('A national caveat: a restriction on how a contingent may be used');

export const EventKind = z.enum([
  'insurgentAttack',
  'humanitarianCrisis',
  'cyberAttack',
  'civilianHarm',
  'mediaPressure',
  'spoiler',
  'piracy',
  'political',
  'logistics',
  'natural',
]);

/** Where in the exercise a trigger or condition applies. */
export const PhaseName = z
  .enum(['mandate', 'forceGeneration', 'deployment', 'operations', 'transition'])
  .describe('mandate | forceGeneration | deployment (lift and RSOM) | operations | transition');

const FactorWeights = z
  .record(Id, z.number().min(-2).max(2))
  .describe('Weight of each factor in the resolution formula: chance += weight × (factor − 0.5)');

/** A chance of success: base plus weighted factors (see README, "Resolution formula"). */
export const Resolution = z.strictObject({
  base: Unit.describe('Chance of success with every factor at 0.5'),
  weights: FactorWeights.default({}),
});

export const Effect = z.strictObject({
  factors: z.record(Id, Delta).optional().describe('Change to each factor (clamped to 0..1)'),
  resources: z.record(Id, z.number()).optional().describe('Change to each resource'),
  support: z
    .record(Id, Delta)
    .optional()
    .describe('Change to the support of a team or UNSC member for the mission'),
  message: z.string().optional().describe('What players read when this effect applies'),
});

export const Condition = z
  .strictObject({
    factor: Id.optional(),
    resource: Id.optional(),
    atLeast: z.number().optional(),
    below: z.number().optional(),
    turn: z
      .strictObject({ atLeast: z.number().int().optional(), below: z.number().int().optional() })
      .optional(),
    phase: PhaseName.optional(),
    fired: Id.optional().describe('True once the event with this id has fired'),
    notFired: Id.optional().describe('True while the event with this id has not fired'),
  })
  .describe('All fields given must hold (factor/resource thresholds, turn range, phase, events)');

const PledgePolicy = z.enum(['full', 'partial', 'minimal', 'none']);
const NacStance = z.enum(['silent', 'reserve', 'object']);
const RoePosture = z.enum(['restrictive', 'balanced', 'robust']);

export const Policy = z
  .strictObject({
    diplomacy: z.boolean().default(true).describe('Lobby the least convinced UNSC member'),
    pledge: PledgePolicy.default('partial').describe(
      'How much of its offer a nation pledges in a round',
    ),
    nac: NacStance.optional().describe(
      'Fixed NAC stance; omitted: decided by the nation’s support',
    ),
    roe: RoePosture.default('balanced'),
    cimic: z.boolean().default(true).describe('Fund a CIMIC project each turn in operations'),
    shareIntel: z
      .boolean()
      .default(false)
      .describe('Run an intelligence-sharing initiative each turn in theatre'),
    respond: z.boolean().default(true).describe('Commit an eligible contingent to events'),
  })
  .describe('How the engine plays this team when no human does');

export const TeamKind = z.enum(['nation', 'alliance', 'un', 'whiteCell', 'hostNation', 'spoiler']);

export const Team = z.strictObject({
  id: Id,
  name: z.string().min(1),
  kind: TeamKind,
  nato: z.boolean().default(false).describe('A member of the North Atlantic Council'),
  support: Unit.default(0.5).describe('Confidential: how strongly this team supports the mission'),
  parliament: z
    .boolean()
    .default(false)
    .describe('Deployment needs a parliamentary vote (a roll on legitimacy and support)'),
  troopCeiling: z.number().int().min(0).optional().describe('Most units this nation will send'),
  caveats: z.array(Caveat).default([]).describe('Caveats on every contingent of this nation'),
  offers: z
    .partialRecord(Capability, z.number().int().min(1))
    .default({})
    .describe('Units of each capability this nation could contribute'),
  policy: Policy.default(Policy.parse({})),
  briefing: z.string().optional().describe('Confidential brief shown only to this team'),
});

export const UnscMember = z.strictObject({
  id: Id,
  name: z.string().min(1),
  permanent: z.boolean().default(false),
  support: Unit.describe('Confidential: inclination to vote yes (moved by diplomacy if elected)'),
  team: Id.optional().describe('The team that casts this member’s vote, if a team plays it'),
});

export const Unsc = z
  .strictObject({
    members: z.array(UnscMember).length(15, 'the Security Council has 15 members'),
    penholders: z.array(Id).min(1).describe('Teams that may table a draft resolution'),
    chapter: z.enum(['VI', 'VII']).default('VII').describe('Chapter the default draft uses'),
    chapterVIIPenalty: Unit.default(0.1).describe('Support lost by every member for Chapter VII'),
    maxDrafts: z.number().int().min(1).max(5).default(2),
    withoutMandate: z
      .strictObject({
        allowed: z.boolean().default(false),
        legitimacyCost: Unit.default(0.2),
      })
      .default({ allowed: false, legitimacyCost: 0.2 })
      .describe('Whether the alliance may act without a UN mandate, and at what cost'),
  })
  .describe('UN Security Council: 9 affirmative votes and no permanent-member veto');

export const Nac = z.strictObject({
  silenceTurns: z.number().int().min(1).default(1).describe('Turns a draft stays under silence'),
  maxCirculations: z.number().int().min(1).max(5).default(2),
  objectBelow: Unit.default(0.3).describe('A policy-played ally objects below this support'),
  reserveBelow: Unit.default(0.55).describe('…and acquiesces with a reservation below this'),
});

export const Slot = z.strictObject({
  id: Id,
  capability: Capability,
  required: z.number().int().min(1).describe('Units the CJSOR asks for'),
  critical: z.boolean().default(false).describe('The mission cannot launch with this slot empty'),
  description: z.string().optional(),
});

export const ForceGeneration = z.strictObject({
  cjsor: z.array(Slot).min(1).describe('Combined Joint Statement of Requirements'),
  maxRounds: z.number().int().min(1).max(6).default(3).describe('Force sourcing conferences'),
  gapPenalty: Unit.default(0.1).describe('Chance lost on events needing an unfilled capability'),
});

export const Deployment = z.strictObject({
  liftPerTurn: z.number().int().min(0).describe('Units strategic lift moves per turn (pooled)'),
  liftPerAirliftUnit: z.number().int().min(0).default(1),
  rsomPerTurn: z.number().int().min(1).describe('Units RSOM can receive per turn'),
  iocFraction: Unit.default(0.5).describe('Share of the force through RSOM for IOC'),
  transitionTurns: z.number().int().min(1).default(2),
  redeploymentTurns: z.number().int().min(1).default(1),
});

export const Trigger = z
  .strictObject({
    turn: z.number().int().min(1).optional().describe('Fires at the start of this turn'),
    phase: PhaseName.optional().describe('Only while the exercise is in this phase'),
    when: z.array(Condition).optional().describe('Only while all these conditions hold'),
    chance: Unit.optional().describe('Chance to fire each eligible turn (default: certain)'),
    hipPocket: z.boolean().default(false).describe('Held back; only the facilitator fires it'),
    repeat: z.number().int().min(1).max(50).default(1).describe('Most times it may fire'),
  })
  .describe('When an inject fires');

export const ScenarioEvent = z.strictObject({
  id: Id,
  title: z.string().min(1),
  kind: EventKind,
  description: z.string().default(''),
  visibility: z
    .union([z.enum(['public', 'control']), z.array(Id).min(1)])
    .default('public')
    .describe('public, control (white cell only), or the ids of the teams who see it'),
  trigger: Trigger,
  response: z
    .strictObject({
      capability: Capability.optional().describe('Capability a responding contingent needs'),
      forbiddenBy: z.array(Caveat).default([]).describe('Caveats that bar a contingent'),
      unansweredPenalty: Unit.default(0.2).describe('Chance lost if nobody responds'),
    })
    .optional()
    .describe('Whether contingents may be committed to this event'),
  resolution: Resolution.optional().describe('Omitted: the effects under always just apply'),
  effects: z
    .strictObject({
      always: Effect.optional(),
      success: Effect.optional(),
      failure: Effect.optional(),
    })
    .default({}),
});

const ActionTuning = z.strictObject({
  base: Unit,
  weights: FactorWeights.default({}),
  effect: Effect.default({}),
  cost: z.record(Id, z.number().min(0)).default({}),
});

export const Actions = z
  .strictObject({
    diplomacy: ActionTuning.extend({ shift: Unit.default(0.12) }).default({
      base: 0.5,
      weights: { legitimacy: 0.4, consensus: 0.2 },
      effect: {},
      cost: {},
      shift: 0.12,
    }),
    parliament: ActionTuning.extend({
      supportWeight: z.number().min(0).max(2).default(0.6),
    }).default({
      base: 0.55,
      weights: { legitimacy: 0.5, consensus: 0.2 },
      effect: {},
      cost: {},
      supportWeight: 0.6,
    }),
    cimic: ActionTuning.default({
      base: 0.55,
      weights: { security: 0.4, localTrust: 0.3 },
      effect: { factors: { localTrust: 0.03 } },
      cost: {},
    }),
    intelSharing: ActionTuning.default({
      base: 0.6,
      weights: { interoperability: 0.3, consensus: 0.2 },
      effect: { factors: { interoperability: 0.02 } },
      cost: {},
    }),
    sustainment: ActionTuning.default({
      base: 0.75,
      weights: { logistics: 0.5, security: 0.2 },
      effect: { factors: { logistics: -0.04, security: -0.02 } },
      cost: {},
    }),
    pledge: ActionTuning.default({
      base: 0.5,
      weights: { consensus: 0.3, legitimacy: 0.3 },
      effect: {},
      cost: {},
    }),
  })
  .describe('Tuning of the built-in team actions (each has defaults)');

export const EndConditions = z.strictObject({
  success: z
    .strictObject({
      all: z.array(Condition).min(1),
      forTurns: z.number().int().min(1).default(2).describe('Turns the conditions must hold'),
    })
    .describe('In operations: when these hold long enough, transition to handover begins'),
  failure: z
    .array(Condition.extend({ reason: z.string().min(1) }))
    .default([])
    .describe('Any of these, at any time after the start, ends the exercise in failure'),
});

/** A condition in an author-declared property: any scenario condition, or how the exercise ended. */
export const PropertyCondition = Condition.extend({
  outcome: z
    .enum(['success', 'partial', 'failure'])
    .optional()
    .describe('True once the exercise has ended with this outcome'),
}).describe('All fields given must hold; `outcome` is how the exercise ended');

/** Default-policy settings a statistical claim assumes for every team. */
export const PolicyAssumption = z
  .strictObject({
    diplomacy: z.boolean().optional(),
    pledge: PledgePolicy.optional(),
    nac: NacStance.optional(),
    roe: RoePosture.optional(),
    cimic: z.boolean().optional(),
    shareIntel: z.boolean().optional(),
    respond: z.boolean().optional(),
  })
  .describe('Policy settings every team follows in these runs, e.g. { pledge: full }');

/**
 * A property the author claims of the scenario, checked by `ttx check`. Exactly one of
 * `invariant`, `reachable` or `statistic`.
 */
export const Property = z
  .strictObject({
    id: Id,
    claim: z.string().min(1).optional().describe('The claim in plain words (shown in reports)'),
    invariant: z
      .strictObject({
        always: z
          .array(PropertyCondition)
          .min(1)
          .describe('Conditions that must hold in every state any run reaches'),
        while: z
          .array(PropertyCondition)
          .optional()
          .describe('Only in states where all these hold (e.g. turn below 3)'),
      })
      .optional()
      .describe('Must hold in every reached state'),
    reachable: z
      .array(PropertyCondition)
      .min(1)
      .optional()
      .describe('Some run reaches a state where all these hold'),
    statistic: z
      .strictObject({
        ending: z
          .array(PropertyCondition)
          .min(1)
          .describe('Conditions on the final state of each run, e.g. outcome: success'),
        atLeast: Unit.optional().describe('Claimed lowest share of runs'),
        atMost: Unit.optional().describe('Claimed highest share of runs'),
        tolerance: Unit.default(0.05).describe('Slack allowed for sampling noise'),
        runs: z
          .number()
          .int()
          .min(10)
          .max(100000)
          .optional()
          .describe('Runs (seeds) to sample; default from the tolerance'),
        assuming: PolicyAssumption.optional(),
      })
      .optional()
      .describe('A share of seeds, on default policies, whose final state meets `ending`'),
  })
  .describe('A claim about the scenario that `ttx check` tests');

export const ScenarioBase = z.strictObject({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  id: Id,
  title: z.string().min(1),
  period: z.string().optional().describe('Historical period, e.g. "March 1999 – June 1999"'),
  briefing: z.string().min(1).describe('What every player reads first (Markdown)'),
  clock: z.strictObject({
    unit: z.enum(['hour', 'day', 'week', 'month']),
    turnLength: z.number().int().min(1).default(1).describe('Units of time per turn'),
    maxTurns: z.number().int().min(2).max(500),
    start: z.string().optional().describe('Scenario date of turn 1, e.g. 1999-03-24'),
  }),
  factors: z
    .record(
      Id,
      z.strictObject({
        label: z.string().min(1),
        start: Unit,
        description: z.string().optional(),
      }),
    )
    .describe('Named factors in 0..1; the six core factors are required'),
  resources: z
    .record(Id, z.strictObject({ label: z.string().min(1), start: z.number().min(0) }))
    .default({}),
  teams: z.array(Team).min(2),
  unsc: Unsc.optional().describe('Omitted: the mandate already exists (or is not needed)'),
  nac: Nac.default(Nac.parse({})),
  forceGeneration: ForceGeneration,
  deployment: Deployment,
  roe: z
    .strictObject({
      robustSecurityBonus: Unit.default(0.1),
      robustCivilianHarmRisk: Unit.default(0.15),
      restrictiveSecurityPenalty: Unit.default(0.1),
    })
    .default({
      robustSecurityBonus: 0.1,
      robustCivilianHarmRisk: 0.15,
      restrictiveSecurityPenalty: 0.1,
    }),
  resolution: z
    .strictObject({ floor: Unit.default(0.02), ceiling: Unit.default(0.98) })
    .default({ floor: 0.02, ceiling: 0.98 }),
  actions: Actions.default(Actions.parse({})),
  events: z.array(ScenarioEvent).default([]),
  endConditions: EndConditions,
  properties: z
    .array(Property)
    .optional()
    .describe('Claims `ttx check` tests: invariants, reachability, statistics'),
});

export const ScenarioSchema = ScenarioBase.superRefine(checkReferences);

export type Scenario = z.output<typeof ScenarioBase>;
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioTeam = z.output<typeof Team>;
export type ScenarioEventDef = z.output<typeof ScenarioEvent>;
export type EffectDef = z.output<typeof Effect>;
export type ConditionDef = z.output<typeof Condition>;
export type ResolutionDef = z.output<typeof Resolution>;
export type CapabilityName = z.output<typeof Capability>;
export type CaveatName = z.output<typeof Caveat>;
export type PhaseNameT = z.output<typeof PhaseName>;
export type ActionTuningDef = z.output<typeof ActionTuning>;
export type PropertyDef = z.output<typeof Property>;
export type PropertyConditionDef = z.output<typeof PropertyCondition>;
export type PolicyAssumptionDef = z.output<typeof PolicyAssumption>;

type Ctx = z.RefinementCtx;

/** Cross-references the schema alone cannot express; each issue carries its document path. */
function checkReferences(sc: Scenario, ctx: Ctx): void {
  const issue = (path: (string | number)[], message: string): void => {
    ctx.addIssue({ code: 'custom', path, message });
  };
  for (const f of CORE_FACTORS) {
    if (!Object.hasOwn(sc.factors, f)) issue(['factors'], `missing core factor '${f}'`);
  }
  const teamIds = new Set<string>();
  sc.teams.forEach((t, i) => {
    if (teamIds.has(t.id)) issue(['teams', i, 'id'], `duplicate team id '${t.id}'`);
    teamIds.add(t.id);
  });
  if (!sc.teams.some((t) => t.kind === 'alliance')) {
    issue(['teams'], 'a scenario needs one team of kind alliance (it runs force generation)');
  }
  if (sc.teams.filter((t) => t.kind === 'alliance').length > 1) {
    issue(['teams'], 'only one team may be of kind alliance');
  }
  const factor = (path: (string | number)[], id: string | undefined): void => {
    if (id !== undefined && !Object.hasOwn(sc.factors, id)) issue(path, `unknown factor '${id}'`);
  };
  const resource = (path: (string | number)[], id: string | undefined): void => {
    if (id !== undefined && !Object.hasOwn(sc.resources, id))
      issue(path, `unknown resource '${id}'`);
  };
  const memberIds = new Set(sc.unsc?.members.map((m) => m.id) ?? []);
  const eventIds = new Set<string>();
  sc.events.forEach((e, i) => {
    if (eventIds.has(e.id)) issue(['events', i, 'id'], `duplicate event id '${e.id}'`);
    eventIds.add(e.id);
  });
  const weights = (path: (string | number)[], w: Record<string, number>): void => {
    for (const k of Object.keys(w)) factor([...path, k], k);
  };
  const effect = (path: (string | number)[], e: EffectDef | undefined): void => {
    if (!e) return;
    for (const k of Object.keys(e.factors ?? {})) factor([...path, 'factors', k], k);
    for (const k of Object.keys(e.resources ?? {})) resource([...path, 'resources', k], k);
    for (const k of Object.keys(e.support ?? {})) {
      if (!teamIds.has(k) && !memberIds.has(k)) {
        issue([...path, 'support', k], `unknown team or UNSC member '${k}'`);
      }
    }
  };
  const condition = (path: (string | number)[], c: ConditionDef): void => {
    factor([...path, 'factor'], c.factor);
    resource([...path, 'resource'], c.resource);
    if (
      (c.factor !== undefined || c.resource !== undefined) &&
      c.atLeast === undefined &&
      c.below === undefined
    ) {
      issue(path, 'a factor or resource condition needs atLeast or below');
    }
    for (const key of ['fired', 'notFired'] as const) {
      const id = c[key];
      if (id !== undefined && !eventIds.has(id)) issue([...path, key], `unknown event '${id}'`);
    }
  };
  sc.teams.forEach((t, i) => {
    if (t.kind !== 'nation' && Object.keys(t.offers).length > 0) {
      issue(['teams', i, 'offers'], 'only nations offer forces');
    }
  });
  if (sc.unsc) {
    const ids = new Set<string>();
    sc.unsc.members.forEach((m, i) => {
      if (ids.has(m.id)) issue(['unsc', 'members', i, 'id'], `duplicate UNSC member '${m.id}'`);
      ids.add(m.id);
      if (teamIds.has(m.id) && m.team !== m.id) {
        issue(
          ['unsc', 'members', i, 'id'],
          `'${m.id}' is already a team id; use another id for the Council seat`,
        );
      }
      if (m.team !== undefined && !teamIds.has(m.team)) {
        issue(['unsc', 'members', i, 'team'], `unknown team '${m.team}'`);
      }
    });
    const p5 = sc.unsc.members.filter((m) => m.permanent).length;
    if (p5 !== 5)
      issue(['unsc', 'members'], `the Security Council has 5 permanent members, not ${p5}`);
    sc.unsc.penholders.forEach((p, i) => {
      if (!teamIds.has(p)) issue(['unsc', 'penholders', i], `unknown team '${p}'`);
    });
  }
  const slotIds = new Set<string>();
  sc.forceGeneration.cjsor.forEach((slot, i) => {
    if (slotIds.has(slot.id))
      issue(['forceGeneration', 'cjsor', i, 'id'], `duplicate slot '${slot.id}'`);
    slotIds.add(slot.id);
  });
  for (const [name, tuning] of Object.entries(sc.actions)) {
    weights(['actions', name, 'weights'], tuning.weights);
    effect(['actions', name, 'effect'], tuning.effect);
    for (const k of Object.keys(tuning.cost)) resource(['actions', name, 'cost', k], k);
  }
  sc.events.forEach((e, i) => {
    if (e.resolution) weights(['events', i, 'resolution', 'weights'], e.resolution.weights);
    for (const k of ['always', 'success', 'failure'] as const) {
      effect(['events', i, 'effects', k], e.effects[k]);
    }
    e.trigger.when?.forEach((c, j) => condition(['events', i, 'trigger', 'when', j], c));
    if (Array.isArray(e.visibility)) {
      e.visibility.forEach((t, j) => {
        if (!teamIds.has(t)) issue(['events', i, 'visibility', j], `unknown team '${t}'`);
      });
    }
    if (!e.resolution && (e.effects.success || e.effects.failure)) {
      issue(['events', i, 'effects'], 'success/failure effects need a resolution');
    }
  });
  sc.endConditions.success.all.forEach((c, j) =>
    condition(['endConditions', 'success', 'all', j], c),
  );
  sc.endConditions.failure.forEach((c, j) => condition(['endConditions', 'failure', j], c));
  const propertyIds = new Set<string>();
  sc.properties?.forEach((p, i) => {
    const at = ['properties', i];
    if (propertyIds.has(p.id)) issue([...at, 'id'], `duplicate property id '${p.id}'`);
    propertyIds.add(p.id);
    const kinds = (['invariant', 'reachable', 'statistic'] as const).filter((k) => p[k]);
    if (kinds.length !== 1) {
      issue(at, 'a property declares exactly one of invariant, reachable or statistic');
    }
    p.invariant?.always.forEach((c, j) => condition([...at, 'invariant', 'always', j], c));
    p.invariant?.while?.forEach((c, j) => condition([...at, 'invariant', 'while', j], c));
    p.reachable?.forEach((c, j) => condition([...at, 'reachable', j], c));
    if (p.statistic) {
      p.statistic.ending.forEach((c, j) => condition([...at, 'statistic', 'ending', j], c));
      if (p.statistic.atLeast === undefined && p.statistic.atMost === undefined) {
        issue([...at, 'statistic'], 'a statistic claims atLeast or atMost (a share of runs)');
      }
    }
  });
}
