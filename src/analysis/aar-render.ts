/** The after-action report (aar.ts) as a self-contained HTML page or as Markdown. */
import type { Phase } from '../../engine/phase.js';
import { PHASE_NAMES } from '../../engine/phase-names.js';
import type {
  AarModel,
  DecisionEntry,
  ResolutionEntry,
  TeamMeasures,
  TimelineEntry,
  TurningPoint,
} from './aar.js';
import { ci, esc, num, pct } from './format.js';
import { htmlTable, page, type Section } from './html.js';
import { barChart, lineChart, OUTCOME_COLOURS, PALETTE, phaseStrip } from './svg.js';

const phaseName = (p: string): string =>
  Object.hasOwn(PHASE_NAMES, p) ? PHASE_NAMES[p as Phase] : p;

const MARK: Readonly<Record<string, string>> = {
  resolution: '⚖',
  inject: '⚡',
  vote: '🗳',
  phase: '▶',
  ruling: '⚑',
  effect: '↳',
  ended: '■',
  decision: '•',
};

function outcomeLine(m: AarModel): string {
  return m.outcome
    ? `${m.outcome.result.toUpperCase()} at turn ${m.outcome.turn} — ${m.outcome.reason}`
    : `not finished (stopped at turn ${m.turns})`;
}

const signed = (x: number): string => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

function teamName(m: AarModel, id: string | null): string {
  if (id === null) return '';
  return m.teams.find((t) => t.id === id)?.name ?? id;
}

function luck(x: ResolutionEntry): string {
  return x.override ? 'override' : signed(x.luck);
}

// ─── HTML ─────────────────────────────────────────────────────────────────────────────────

export function aarHtml(m: AarModel): string {
  const lines = [
    m.scenario.period ? `${m.scenario.period}` : '',
    `Log ${m.log} · seed “${m.seed}” · ${m.commands} commands · engine ${m.engineVersion} · state ${m.stateHash.slice(0, 16)}…${m.verified ? ' (verified)' : ''}`,
  ].filter(Boolean);
  const sections: Section[] = [
    summarySection(m),
    {
      id: 'phases',
      title: 'Phases',
      html:
        phaseStrip(
          'Phases of the exercise over the turns',
          m.phases
            .filter((p) => p.phase !== 'setup' && p.phase !== 'ended')
            .map((p) => ({ label: phaseName(p.phase), from: p.from, to: p.to })),
          Math.max(1, m.outcome?.turn ?? m.turns),
        ) +
        htmlTable(
          ['phase', 'from turn', 'to turn'],
          m.phases
            .filter((p) => p.phase !== 'setup')
            .map((p) => [esc(phaseName(p.phase)), String(p.from), String(p.to)]),
          [1, 2],
        ),
    },
    factorsSection(m),
  ];
  if (m.futures) sections.push(oddsSection(m));
  sections.push(
    turningSection(m),
    timelineSection(m),
    decisionsSection(m),
    resolutionsSection(m),
    whiteCellSection(m),
    measuresSection(m),
    methodSection(m),
  );
  return page(`After-action report: ${m.scenario.title}`, lines, sections);
}

function summarySection(m: AarModel): Section {
  const o = m.outcome;
  const decisions = m.decisions.length;
  const players = m.decisions.filter((d) => d.source === 'players').length;
  const ok = m.coalition.resolutions;
  const injects = m.coalition.injects;
  const items = [
    `<li>Outcome: <span class="${esc(o?.result ?? '')}">${esc(outcomeLine(m))}</span></li>`,
    `<li>${decisions} team decisions (${players} by players, ${decisions - players} by default policies); ${m.facilitator.length} white-cell command(s), ${m.overridden.length} resolution(s) decided by override.</li>`,
    `<li>${ok.n} resolutions, ${pct(ok.p)} successful; injects resolved: ${injects.n}, ${pct(injects.p)} successful.</li>`,
    `<li>Mandate: ${esc(mandateText(m))}.</li>`,
    `<li>Force: ${m.coalition.units.deployed} of ${m.coalition.units.total} pledged unit(s) deployed.</li>`,
  ];
  let usual = '';
  const f = m.futures?.fromStart;
  if (f && m.futures) {
    usual =
      `<h3>What usually happens</h3><p>${m.futures.runsPerTurn} futures from the start of turn 1, with these decisions and fresh random draws:</p>` +
      barChart(
        'Outcomes of futures from the same start',
        (['success', 'partial', 'failure'] as const).map((k) => ({
          label: k,
          value: f[k].p,
          lo: f[k].ci[0],
          hi: f[k].ci[1],
          colour: OUTCOME_COLOURS[k],
          note: `${pct(f[k].p)} (${ci(f[k].ci)})`,
        })),
        { labelWidth: 120 },
      );
  }
  return {
    id: 'summary',
    title: 'Summary (hot wash)',
    html: `<ul class="compact">${items.join('')}</ul>${usual}`,
  };
}

function mandateText(m: AarModel): string {
  const md = m.coalition.mandate;
  const votes = md.votes
    .map(
      (v) =>
        `draft ${v.draft} (Chapter ${v.chapter}) ${v.adopted ? 'adopted' : 'not adopted'}, ${v.yes} yes`,
    )
    .join('; ');
  return [
    votes || 'no Security Council vote',
    md.withoutMandate ? 'the alliance acted without a UN mandate' : '',
    md.objections.length ? `NAC silence broken by ${md.objections.join(', ')}` : '',
    md.reservations.length ? `reservations: ${md.reservations.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function factorsSection(m: AarModel): Section {
  const ids = Object.keys(m.factorLabels);
  const chart = lineChart(
    'Factor trajectories (start of each turn, then the end)',
    ids.map((id, i) => ({
      name: m.factorLabels[id] ?? id,
      colour: PALETTE[i % PALETTE.length],
      points: m.trajectory.map((t, k) => ({
        x: k === m.trajectory.length - 1 ? t.turn + 1 : t.turn,
        y: t.factors[id] ?? 0,
      })),
    })),
    {
      xLabel: 'turn',
      markers: m.phases
        .filter((p) => p.phase !== 'setup')
        .map((p) => ({ x: p.from, label: `${phaseName(p.phase)} from turn ${p.from}` })),
      height: 300,
    },
  );
  return {
    id: 'factors',
    title: 'Factor trajectories',
    html:
      chart +
      '<p class="note">Dashed lines mark phase changes; the last point is the end of the exercise.</p>' +
      htmlTable(
        ['factor', 'start', 'end', 'change'],
        m.coalition.factors.map((f) => [
          esc(f.label),
          num(f.start),
          num(f.end),
          esc(signed(f.end - f.start)),
        ]),
        [1, 2, 3],
      ),
  };
}

function oddsSection(m: AarModel): Section {
  const fut = m.futures;
  if (!fut) return { id: 'odds', title: 'Odds', html: '' };
  return {
    id: 'odds',
    title: 'Odds of success, turn by turn',
    html:
      lineChart(
        'Estimated probability of success at the start of each turn',
        [
          {
            name: 'P(success) of the futures from the start of the turn',
            colour: '#2e7d32',
            points: fut.perTurn.map((p) => ({ x: p.turn, y: p.success.p })),
            band: fut.perTurn.map((p) => ({ x: p.turn, lo: p.success.ci[0], hi: p.success.ci[1] })),
          },
        ],
        { xLabel: 'turn', percent: true },
      ) +
      `<p class="note">${fut.runsPerTurn} futures per turn, forked at the start of the turn with the session’s own decisions and fresh random draws; the band is the 95% interval.</p>`,
  };
}

function turningSection(m: AarModel): Section {
  const tp = m.turningPoints;
  const rows = tp.map((t: TurningPoint) => {
    const top = t.resolutions.slice(0, 3);
    return [
      String(t.turn),
      t.swing === null ? '–' : `${pct(t.before ?? 0, 0)} → ${pct(t.after ?? 0, 0)}`,
      t.swing === null ? '–' : esc(signed(t.swing)),
      top.length
        ? top
            .map(
              (x) =>
                `${esc(x.title)}: <b>${esc(x.outcome)}</b> at ${esc(pct(x.chance, 0))} (luck ${esc(luck(x))})`,
            )
            .join('<br>')
        : '<span class="note">no roll this turn</span>',
      t.events.length
        ? `<ul class="compact">${t.events.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`
        : '',
    ];
  });
  return {
    id: 'turning-points',
    title: 'Key turning points',
    html: tp.length
      ? htmlTable(
          [
            'turn',
            'odds of success',
            'swing',
            'resolutions (most consequential luck first)',
            'what else happened',
          ],
          rows,
          [0, 2],
        ) +
        `<p class="note">${m.futures ? 'Turns ranked by how much they moved the estimated odds of success (see Method).' : 'Without futures (--futures 0): the resolutions whose luck moved the factors most (see Method).'}</p>`
      : '<p class="note">No resolutions.</p>',
  };
}

function entryHtml(m: AarModel, e: TimelineEntry): string {
  const cls =
    e.source === 'white cell' ? ' class="ruling"' : e.kind === 'effect' ? ' class="explain"' : '';
  const who = e.source === 'policy' ? ' <span class="note">(policy)</span>' : '';
  const by =
    e.source === 'players' && e.team
      ? ` <span class="note">(${esc(teamName(m, e.team))}’s players)</span>`
      : e.source === 'white cell'
        ? ' <span class="note">(white cell)</span>'
        : '';
  return `<li${cls}>${MARK[e.kind] ?? '•'} ${esc(e.text)}${who}${by}</li>`;
}

function timelineSection(m: AarModel): Section {
  const html = m.timeline
    .map(
      (t) =>
        `<h3>${esc(t.label)} <span class="note">— ${esc(t.stage)}</span></h3><ul class="compact">${t.entries
          .map((e) => entryHtml(m, e))
          .join('')}</ul>`,
    )
    .join('');
  return { id: 'timeline', title: 'Timeline', html };
}

function decisionsSection(m: AarModel): Section {
  const html = m.teams
    .filter((t) => t.decisions.length > 0)
    .map(
      (t: TeamMeasures) =>
        `<h3>${esc(t.name)}</h3>` +
        htmlTable(
          ['turn', 'decision', 'by'],
          t.decisions.map((d: DecisionEntry) => [
            String(d.turn),
            esc(d.text),
            d.source === 'players' ? 'players' : 'default policy',
          ]),
          [0],
        ),
    )
    .join('');
  return {
    id: 'decisions',
    title: 'Decisions by team',
    html: html || '<p class="note">No team decisions.</p>',
  };
}

function resolutionsSection(m: AarModel): Section {
  return {
    id: 'resolutions',
    title: 'Resolutions and why',
    html:
      htmlTable(
        ['turn', 'what', 'team', 'outcome', 'chance', 'roll', 'luck', 'explanation'],
        m.resolutions.map((x) => [
          String(x.turn),
          esc(x.title),
          esc(teamName(m, x.team)),
          `<span class="${esc(x.outcome)}">${esc(x.outcome)}</span>`,
          esc(pct(x.chance, 0)),
          x.roll === null ? '–' : num(x.roll),
          esc(luck(x)),
          `<span class="explain">${esc(x.explanation)}</span>`,
        ]),
        [0, 4, 5, 6],
      ) +
      '<p class="note">Chance = base + Σ weight × (factor − 0.5) + modifiers, clamped; success if the roll is below the chance. Luck = outcome (1 or 0) − chance.</p>',
  };
}

function whiteCellSection(m: AarModel): Section {
  const rulings = m.facilitator.length
    ? htmlTable(
        ['turn', 'command', 'what the white cell did', 'reason'],
        m.facilitator.map((f) => [
          String(f.turn),
          esc(f.type),
          esc(f.text),
          f.reason === null ? '–' : esc(f.reason),
        ]),
        [0],
      )
    : '<p class="note">The white cell issued no ruling, override or inject.</p>';
  const overridden = m.overridden.length
    ? `<h3>Resolutions decided by the white cell, not the model</h3>` +
      htmlTable(
        ['turn', 'what', 'outcome', 'the model’s chance', 'reason'],
        m.overridden.map((x) => [
          String(x.turn),
          esc(x.title),
          esc(x.outcome),
          esc(pct(x.chance, 0)),
          esc(x.override ?? ''),
        ]),
        [0, 3],
      )
    : '';
  return {
    id: 'white-cell',
    title: 'White cell: rulings and overrides',
    html: `<p class="note">Listed apart from the model’s results: these changed the exercise by decision of control, not by the rules.</p>${rulings}${overridden}`,
  };
}

function measuresSection(m: AarModel): Section {
  const teams = htmlTable(
    [
      'team',
      'kind',
      'played by',
      'decisions',
      'rolls won',
      'support start → end',
      'approval',
      'units pledged / deployed',
      'caveats',
    ],
    m.teams
      .filter((t) => t.kind !== 'whiteCell')
      .map((t) => [
        esc(t.name),
        esc(t.kind),
        t.control === 'human' ? 'players' : 'policy',
        String(t.decisions.length),
        t.resolutions.n ? `${t.resolutions.count}/${t.resolutions.n}` : '–',
        `${num(t.support.start)} → ${num(t.support.end)}`,
        esc(t.approval ?? '–'),
        `${t.units.pledged} / ${t.units.deployed}`,
        esc(t.caveats.join(', ') || '–'),
      ]),
    [3, 4, 7],
  );
  const c = m.coalition;
  const cjsor = barChart(
    'CJSOR fill: units pledged against each slot',
    c.cjsor.map((s) => ({
      label: `${s.slot}${s.critical ? ' (critical)' : ''}`,
      value: Math.min(1, s.required ? s.pledged / s.required : 1),
      colour: s.pledged >= s.required ? '#2e7d32' : s.critical ? '#c62828' : '#f9a825',
      note: `${s.pledged} of ${s.required} ${s.capability}`,
    })),
    { labelWidth: 200 },
  );
  return {
    id: 'measures',
    title: 'Team and coalition measures',
    html:
      teams +
      `<h3>Coalition</h3><ul class="compact"><li>Mandate: ${esc(mandateText(m))}.</li><li>Units: ${c.units.total} pledged, ${c.units.deployed} deployed, ${c.units.arrived} in RSOM, ${c.units.atHome} at home.</li><li>Resolutions won: ${c.resolutions.count} of ${c.resolutions.n} (${pct(c.resolutions.p)}); injects: ${c.injects.count} of ${c.injects.n}.</li></ul>` +
      cjsor,
  };
}

function methodSection(m: AarModel): Section {
  return {
    id: 'method',
    title: 'Method',
    html: `<ul class="compact">
<li>The report replays the command log with the engine (${m.verified ? 'the replay reached the state hash the log recorded' : 'the log has no end record to verify against'}); every line is an engine event.</li>
<li>Decisions “by players” are commands the team issued; decisions “by default policy” are those its policy took for it inside the clock tick.</li>
<li>Luck of a resolution = outcome (1 for success, 0 for failure) − the chance the model gave it.</li>
<li>Key turning points: ${m.futures ? `for every turn, ${m.futures.runsPerTurn} futures are forked at its start with the session’s own decisions and fresh random draws; the estimated probability of success P(t) is their success share. A turn’s swing is P(t+1) − P(t) (after the last turn, the actual outcome counts as 1 or 0). The turns with the largest |swing| are listed, with their resolutions ranked by |luck| × Σ over factors of |effect on success − effect on failure| (how far their luck moved the factors), then by |luck|.` : 'without futures, the resolutions whose luck moved the factors most: |luck| × Σ over factors of |effect on success − effect on failure|.'}</li>
</ul>`,
  };
}

// ─── Markdown ─────────────────────────────────────────────────────────────────────────────

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export function aarMarkdown(m: AarModel): string {
  const out: string[] = [];
  out.push(
    `# After-action report: ${m.scenario.title}`,
    '',
    `${m.scenario.period ? `${m.scenario.period} · ` : ''}log ${m.log} · seed “${m.seed}” · ${m.commands} commands · engine ${m.engineVersion} · state ${m.stateHash.slice(0, 16)}…${m.verified ? ' (verified)' : ''}`,
    '',
    '## Summary (hot wash)',
    '',
    `- Outcome: **${outcomeLine(m)}**`,
    `- ${m.decisions.length} team decisions (${m.decisions.filter((d) => d.source === 'players').length} by players); ${m.facilitator.length} white-cell command(s); ${m.overridden.length} override(s).`,
    `- ${m.coalition.resolutions.n} resolutions, ${pct(m.coalition.resolutions.p)} successful.`,
    `- Mandate: ${mandateText(m)}.`,
    `- Force: ${m.coalition.units.deployed} of ${m.coalition.units.total} pledged unit(s) deployed.`,
  );
  const f = m.futures?.fromStart;
  if (f && m.futures) {
    out.push(
      `- What usually happens (${m.futures.runsPerTurn} futures from the start of turn 1): success ${pct(f.success.p)} (${ci(f.success.ci)}), partial ${pct(f.partial.p)}, failure ${pct(f.failure.p)}.`,
    );
  }
  out.push(
    '',
    '## Phases',
    '',
    mdTable(
      ['phase', 'from turn', 'to turn'],
      m.phases
        .filter((p) => p.phase !== 'setup')
        .map((p) => [phaseName(p.phase), String(p.from), String(p.to)]),
    ),
    '',
    '## Factor trajectories',
    '',
    mdTable(
      ['turn', ...Object.keys(m.factorLabels)],
      m.trajectory.map((t, k) => [
        k === m.trajectory.length - 1 ? 'end' : String(t.turn),
        ...Object.keys(m.factorLabels).map((id) => num(t.factors[id] ?? 0)),
      ]),
    ),
  );
  if (m.futures) {
    out.push(
      '',
      '## Odds of success, turn by turn',
      '',
      mdTable(
        ['turn', 'P(success)', '95% CI'],
        m.futures.perTurn.map((p) => [String(p.turn), pct(p.success.p), ci(p.success.ci)]),
      ),
    );
  }
  out.push(
    '',
    '## Key turning points',
    '',
    m.turningPoints.length
      ? mdTable(
          [
            'turn',
            'odds',
            'swing',
            'resolutions (most consequential luck first)',
            'what else happened',
          ],
          m.turningPoints.map((t) => [
            String(t.turn),
            t.swing === null ? '–' : `${pct(t.before ?? 0, 0)} → ${pct(t.after ?? 0, 0)}`,
            t.swing === null ? '–' : signed(t.swing),
            t.resolutions
              .slice(0, 3)
              .map((x) => `${x.title}: ${x.outcome} at ${pct(x.chance, 0)} (luck ${luck(x)})`)
              .join('; ') || 'no roll this turn',
            t.events.join(' · '),
          ]),
        )
      : 'No resolutions.',
    '',
    '## Timeline',
  );
  for (const t of m.timeline) {
    out.push('', `### ${t.label} — ${t.stage}`, '');
    for (const e of t.entries) {
      const note =
        e.source === 'policy'
          ? ' _(policy)_'
          : e.source === 'white cell'
            ? ' _(white cell)_'
            : e.source === 'players' && e.team
              ? ` _(${teamName(m, e.team)}’s players)_`
              : '';
      out.push(`- ${MARK[e.kind] ?? '•'} ${e.text}${note}`);
    }
  }
  out.push('', '## Decisions by team');
  for (const t of m.teams.filter((x) => x.decisions.length > 0)) {
    out.push(
      '',
      `### ${t.name}`,
      '',
      mdTable(
        ['turn', 'decision', 'by'],
        t.decisions.map((d) => [
          String(d.turn),
          d.text,
          d.source === 'players' ? 'players' : 'default policy',
        ]),
      ),
    );
  }
  out.push(
    '',
    '## Resolutions and why',
    '',
    mdTable(
      ['turn', 'what', 'team', 'outcome', 'chance', 'luck', 'explanation'],
      m.resolutions.map((x) => [
        String(x.turn),
        x.title,
        teamName(m, x.team),
        x.outcome,
        pct(x.chance, 0),
        luck(x),
        x.explanation,
      ]),
    ),
    '',
    '## White cell: rulings and overrides',
    '',
    m.facilitator.length
      ? mdTable(
          ['turn', 'command', 'what the white cell did', 'reason'],
          m.facilitator.map((x) => [String(x.turn), x.type, x.text, x.reason ?? '–']),
        )
      : 'The white cell issued no ruling, override or inject.',
  );
  if (m.overridden.length) {
    out.push(
      '',
      'Resolutions decided by the white cell, not the model:',
      '',
      mdTable(
        ['turn', 'what', 'outcome', 'model chance', 'reason'],
        m.overridden.map((x) => [
          String(x.turn),
          x.title,
          x.outcome,
          pct(x.chance, 0),
          x.override ?? '',
        ]),
      ),
    );
  }
  out.push(
    '',
    '## Team and coalition measures',
    '',
    mdTable(
      [
        'team',
        'played by',
        'decisions',
        'rolls won',
        'support',
        'approval',
        'units pledged/deployed',
        'caveats',
      ],
      m.teams
        .filter((t) => t.kind !== 'whiteCell')
        .map((t) => [
          t.name,
          t.control === 'human' ? 'players' : 'policy',
          String(t.decisions.length),
          t.resolutions.n ? `${t.resolutions.count}/${t.resolutions.n}` : '–',
          `${num(t.support.start)} → ${num(t.support.end)}`,
          t.approval ?? '–',
          `${t.units.pledged}/${t.units.deployed}`,
          t.caveats.join(', ') || '–',
        ]),
    ),
    '',
    mdTable(
      ['CJSOR slot', 'capability', 'pledged', 'required', 'critical'],
      m.coalition.cjsor.map((s) => [
        s.slot,
        s.capability,
        String(s.pledged),
        String(s.required),
        s.critical ? 'yes' : '',
      ]),
    ),
    '',
  );
  return `${out.join('\n')}\n`;
}

// ─── One call for a finished session (e.g. from the server) ──────────────────────────────

export interface SessionReportOptions {
  readonly format: 'html' | 'md' | 'json';
  /** Name of the session in the report. */
  readonly log: string;
  /** Futures per turn for the odds and turning points (default 0: none). */
  readonly futures?: number;
  /** Worker threads for the futures (0: this thread). */
  readonly workers?: number;
}
