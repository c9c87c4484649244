/** `ttx batch --html`: the batch results as one self-contained HTML page with SVG charts. */
import type { BatchStats } from './aggregate.js';
import type { BatchReport } from './batch.js';
import { ci, esc, num, pct, pts } from './format.js';
import { htmlTable, page, type Section } from './html.js';
import {
  barChart,
  columnChart,
  lineChart,
  OUTCOME_COLOURS,
  PALETTE,
  rangeChart,
  tornadoChart,
} from './svg.js';

export function batchHtml(r: BatchReport): string {
  const lines = [
    r.fork
      ? `${r.runs} futures of ${r.fork.log} from the start of turn ${r.fork.atTurn} · seeds ${r.seed}:0 … ${r.seed}:${r.runs - 1}`
      : `${r.runs} runs · seeds ${r.seed}:0 … ${r.seed}:${r.runs - 1} · ${r.decisions.source === 'file' ? `${r.decisions.scripted} scripted decisions and default policies` : 'default policies'}`,
    `Scenario ${r.scenario.id} · engine ${r.engineVersion} · ${r.meta.seconds.toFixed(1)} s ${r.meta.workers ? `on ${r.meta.workers} worker thread(s)` : 'in one thread'}`,
  ];
  const sections: Section[] = [];
  if (r.fork) {
    const actual = r.fork.actual;
    sections.push({
      id: 'fork',
      title: 'Bad luck or bad decision?',
      html:
        `<p>The recorded session (seed “${esc(r.fork.sessionSeed)}”) ended ${actual ? `<span class="${esc(actual.result)}">${esc(actual.result.toUpperCase())}</span> at turn ${actual.turn}: ${esc(actual.reason)}` : 'unfinished'}. ` +
        `From the state it reached at the start of turn ${r.fork.atTurn} (hash ${esc(r.fork.stateHash.slice(0, 16))}…), ${r.runs} futures were played with fresh random draws and the session’s own ${r.fork.ownDecisions} decision(s)` +
        `${r.alternative ? `, and again with ${r.alternative.decisions} alternative decision(s)` : ''}. ` +
        `If most futures end as the session did, the outcome owes little to luck; if they mostly do better, the session was unlucky.</p>` +
        (r.alternative
          ? barChart('Success: the session’s own decisions and the alternative', [
              {
                label: 'own decisions',
                value: r.stats.outcomes.success.p,
                lo: r.stats.outcomes.success.ci[0],
                hi: r.stats.outcomes.success.ci[1],
                colour: PALETTE[0],
              },
              {
                label: 'alternative decisions',
                value: r.alternative.stats.outcomes.success.p,
                lo: r.alternative.stats.outcomes.success.ci[0],
                hi: r.alternative.stats.outcomes.success.ci[1],
                colour: PALETTE[3],
              },
            ]) +
            `<p>Difference (alternative − own): <b>${esc(pts(r.alternative.successDifference.d))}</b>, 95% CI ${esc(ci(r.alternative.successDifference.ci))} (Newcombe).</p>`
          : ''),
    });
  }
  sections.push(...statsSections(r.stats, ''));
  if (r.alternative) {
    sections.push(
      ...statsSections(r.alternative.stats, 'alt-').map((s) => ({
        ...s,
        title: `Alternative: ${s.title}`,
      })),
    );
  }
  if (r.sensitivity) sections.push(sensitivitySection(r));
  sections.push({
    id: 'method',
    title: 'Method',
    html: `<ul class="compact">
<li>Run <i>i</i> plays seed <code>${esc(r.seed)}:<i>i</i></code>; results do not depend on the number of worker threads. ${r.fork ? 'Each future re-seeds the recorded session’s random generator with its seed at the fork point.' : `Replay any run with <code>ttx run --seed ${esc(r.seed)}:<i>i</i></code>.`}</li>
<li>Intervals are 95% Wilson score intervals for a proportion; differences of proportions use Newcombe’s hybrid score interval.</li>
<li>Phase durations count turns from the turn a phase was entered to the turn the next one was (or the run ended), over the runs that entered it.</li>
<li>“Decisions most associated with success” compares the success rate of the runs that took a decision with the runs that faced the same decision and chose otherwise (a pledge among the runs where that nation had approved a contribution, an ROE posture among the runs that deployed…), keeping decisions with at least 5 runs and 2% of the batch on each side. It is an association: a decision can travel with the luck that made it possible.</li>
${r.sensitivity ? '<li>Sensitivity sweeps change one start factor at a time and play every level with the same seeds (common random numbers), so differences between levels are not noise of different draws.</li>' : ''}
</ul>`,
  });
  return page(`Batch: ${r.scenario.title}`, lines, sections);
}

function statsSections(s: BatchStats, prefix: string): Section[] {
  const out: Section[] = [];
  out.push({
    id: `${prefix}outcomes`,
    title: 'Outcomes',
    html:
      barChart(
        'Outcome distribution with 95% confidence intervals',
        (['success', 'partial', 'failure'] as const).map((k) => ({
          label: k,
          value: s.outcomes[k].p,
          lo: s.outcomes[k].ci[0],
          hi: s.outcomes[k].ci[1],
          colour: OUTCOME_COLOURS[k],
          note: `${pct(s.outcomes[k].p)} (${ci(s.outcomes[k].ci)})`,
        })),
        { labelWidth: 120 },
      ) +
      htmlTable(
        ['share', 'result', 'why the run ended'],
        s.reasons.map((x) => [
          esc(pct(x.p)),
          `<span class="${esc(x.result)}">${esc(x.result)}</span>`,
          esc(x.reason),
        ]),
        [0],
      ),
  });
  out.push({
    id: `${prefix}end-turn`,
    title: 'End turn',
    html:
      columnChart('Distribution of the turn runs ended', turnBins(s.endTurnHistogram), {
        xLabel: 'turn the run ended',
      }) +
      `<p class="note">Mean ${num(s.endTurn.mean, 1)} (sd ${num(s.endTurn.sd, 1)}), median ${num(s.endTurn.p50, 0)}, 10–90% ${num(s.endTurn.p10, 0)}–${num(s.endTurn.p90, 0)}.</p>`,
  });
  const maxTurns = Math.max(1, ...s.phases.map((p) => p.turns.p90));
  out.push({
    id: `${prefix}phases`,
    title: 'Phase durations',
    html:
      barChart(
        'Mean turns in each phase, with the 10–90% range',
        s.phases
          .filter((p) => p.turns.n > 0)
          .map((p, i) => ({
            label: p.label,
            value: p.turns.mean,
            lo: p.turns.p10,
            hi: p.turns.p90,
            colour: PALETTE[i % PALETTE.length],
            note: `${num(p.turns.mean, 1)} turns`,
          })),
        { max: Math.ceil(maxTurns * 1.1) },
      ) +
      htmlTable(
        ['phase', 'reached', 'mean', 'median', '10–90%', 'max'],
        s.phases.map((p) => [
          esc(p.label),
          esc(pct(p.reached.p)),
          p.turns.n ? num(p.turns.mean, 1) : '–',
          p.turns.n ? num(p.turns.p50, 0) : '–',
          p.turns.n ? `${num(p.turns.p10, 0)}–${num(p.turns.p90, 0)}` : '–',
          p.turns.n ? String(p.turns.max) : '–',
        ]),
        [1, 2, 3, 4, 5],
      ),
  });
  out.push({
    id: `${prefix}factors`,
    title: 'Factors',
    html:
      rangeChart(
        'End value of each factor: 10–90% of runs, median, and the start value',
        s.factors.map((f) => ({
          label: f.label,
          start: f.start,
          p10: f.end.p10,
          p50: f.end.p50,
          p90: f.end.p90,
        })),
      ) +
      htmlTable(
        ['factor', 'start', 'mean end', '10%', 'median', '90%', 'mean if success', 'otherwise'],
        s.factors.map((f) => [
          esc(f.label),
          num(f.start),
          num(f.end.mean),
          num(f.end.p10),
          num(f.end.p50),
          num(f.end.p90),
          f.meanIfSuccess === null ? '–' : num(f.meanIfSuccess),
          f.meanOtherwise === null ? '–' : num(f.meanOtherwise),
        ]),
        [1, 2, 3, 4, 5, 6, 7],
      ) +
      (s.trajectories.length
        ? `<h3>Trajectories (median and 10–90% of runs at the start of each turn)</h3><div class="grid">${s.trajectories
            .map((t, i) =>
              lineChart(
                `${t.factor} over the turns`,
                [
                  {
                    name: t.factor,
                    colour: PALETTE[i % PALETTE.length],
                    points: t.points.map((p) => ({ x: p.turn, y: p.p50 })),
                    band: t.points.map((p) => ({ x: p.turn, lo: p.p10, hi: p.p90 })),
                  },
                ],
                { width: 340, height: 180, xLabel: 'turn' },
              ),
            )
            .join('')}</div>`
        : ''),
  });
  const injects = s.injects.filter((i) => i.fired > 0).slice(0, 15);
  const rolled = injects.filter((i) => i.success && i.resolved > 0);
  out.push({
    id: `${prefix}injects`,
    title: 'Injects that fired most',
    html:
      (rolled.length
        ? barChart(
            'Success rate of each inject’s resolution, with 95% confidence intervals',
            rolled.map((i, k) => ({
              label: i.title.length > 32 ? `${i.title.slice(0, 31)}…` : i.title,
              value: i.success?.p ?? 0,
              lo: i.success?.ci[0] ?? 0,
              hi: i.success?.ci[1] ?? 0,
              colour: PALETTE[k % PALETTE.length],
              tooltip: `${i.title}: ${i.success ? pct(i.success.p) : ''} of ${i.resolved} resolutions`,
            })),
            { labelWidth: 260 },
          )
        : '') +
      htmlTable(
        ['inject', 'kind', 'fired', 'in runs', 'resolved', 'success', '95% CI', 'mean chance'],
        injects.map((i) => [
          `${esc(i.title)} <span class="note">(${esc(i.id)})</span>`,
          esc(i.kind),
          String(i.fired),
          esc(pct(i.runs.p)),
          String(i.resolved),
          i.success && i.resolved ? esc(pct(i.success.p)) : '–',
          i.success && i.resolved ? esc(ci(i.success.ci)) : '–',
          i.meanChance === null ? '–' : esc(pct(i.meanChance)),
        ]),
        [2, 3, 4, 5, 6, 7],
      ),
  });
  const decisions = s.decisions.slice(0, 12);
  out.push({
    id: `${prefix}decisions`,
    title: 'Decisions most associated with success',
    html: decisions.length
      ? tornadoChart(
          'Success rate without (one end) and with (the other) each decision',
          decisions.map((d) => ({
            label: d.label.length > 46 ? `${d.label.slice(0, 45)}…` : d.label,
            low: d.notTaken.p,
            high: d.taken.p,
            lowLabel: 'without',
            highLabel: 'with',
          })),
          s.outcomes.success.p,
          { width: 860, labelWidth: 320 },
        ) +
        htmlTable(
          ['decision', 'taken / faced', 'success if taken', '95% CI', 'if not taken', 'difference'],
          decisions.map((d) => [
            esc(d.label),
            `${d.taken.n} / ${d.taken.n + d.notTaken.n}`,
            esc(pct(d.taken.p)),
            esc(ci(d.taken.ci)),
            esc(pct(d.notTaken.p)),
            esc(pts(d.difference)),
          ]),
          [1, 2, 3, 4, 5],
        ) +
        '<p class="note">An association across runs, not a cause (see Method).</p>'
      : '<p class="note">No decision varied enough across runs to compare.</p>',
  });
  return out;
}

function sensitivitySection(r: BatchReport): Section {
  const s = r.sensitivity;
  if (!s) return { id: 'sensitivity', title: 'Sensitivity', html: '' };
  const tornado = tornadoChart(
    'Tornado: success probability at the low and high start value of each factor',
    s.sweeps.map((sw) => {
      const lo = sw.levels[0];
      const hi = sw.levels[sw.levels.length - 1];
      return {
        label: sw.label,
        low: lo?.success.p ?? 0,
        high: hi?.success.p ?? 0,
        lowLabel: num(lo?.value ?? 0),
        highLabel: num(hi?.value ?? 0),
      };
    }),
    r.stats.outcomes.success.p,
  );
  const lines = lineChart(
    'Success probability against the start value of each swept factor',
    s.sweeps.map((sw, i) => ({
      name: sw.factor,
      colour: PALETTE[i % PALETTE.length],
      points: sw.levels.map((l) => ({ x: l.value, y: l.success.p })),
      band: sw.levels.map((l) => ({ x: l.value, lo: l.success.ci[0], hi: l.success.ci[1] })),
    })),
    { xLabel: 'start value', percent: true },
  );
  const tables = s.sweeps
    .map(
      (sw) =>
        `<h3>${esc(sw.label)} (${esc(sw.factor)}; scenario start ${num(sw.baseline)}) — effect ${esc(pts(sw.effect))}, 95% CI ${esc(ci(sw.effectCi))}</h3>` +
        htmlTable(
          ['start value', 'success', '95% CI', 'not failure', 'mean end turn'],
          sw.levels.map((l) => [
            num(l.value),
            esc(pct(l.success.p)),
            esc(ci(l.success.ci)),
            esc(pct(l.notFailure.p)),
            num(l.meanEndTurn, 1),
          ]),
          [0, 1, 2, 3, 4],
        ),
    )
    .join('');
  return {
    id: 'sensitivity',
    title: 'Sensitivity',
    html: `<p>Each factor is swept alone; ${s.runsPerLevel} runs a level, the same seeds at every level. Factors are ranked by how much the success probability moves between the ends of the sweep.</p>${tornado}${lines}${tables}`,
  };
}

/** Every turn from the first to the last end turn, zeros included, so the axis is linear. */
function turnBins(
  h: readonly { value: number; count: number }[],
): { label: string; count: number }[] {
  const first = h[0]?.value ?? 0;
  const last = h.at(-1)?.value ?? 0;
  const counts = new Map(h.map((b) => [b.value, b.count]));
  const out: { label: string; count: number }[] = [];
  for (let t = first; t <= last; t++) out.push({ label: String(t), count: counts.get(t) ?? 0 });
  return out;
}
