/** `ttx batch` as text: the tables an analyst reads in a terminal. */
import type { BatchStats } from './aggregate.js';
import type { BatchReport } from './batch.js';
import { ci, num, pct, pts, table } from './format.js';

const TOP_INJECTS = 12;
const TOP_DECISIONS = 10;

export function batchText(r: BatchReport): string {
  const out: string[] = [];
  const source =
    r.decisions.source === 'policies'
      ? 'default policies'
      : r.decisions.source === 'file'
        ? `${r.decisions.scripted} scripted decision(s) and default policies`
        : r.decisions.scripted === 0
          ? `default policies (the session logged no decision from turn ${r.fork?.atTurn ?? '?'} on)`
          : `the session's own ${r.decisions.scripted} logged decision(s) from turn ${r.fork?.atTurn ?? '?'} on, and default policies`;
  out.push(`${r.scenario.title}`);
  if (r.fork) {
    const actual = r.fork.actual
      ? `${r.fork.actual.result.toUpperCase()} at turn ${r.fork.actual.turn} (${r.fork.actual.reason})`
      : 'not finished';
    out.push(
      `${r.runs} futures of ${r.fork.log} from the start of turn ${r.fork.atTurn} (state ${r.fork.stateHash.slice(0, 12)}…), seeds ${r.seed}:0 … ${r.seed}:${r.runs - 1}, with ${source}.`,
      `The recorded session ended: ${actual}.`,
    );
  } else {
    out.push(
      `${r.runs} runs, seeds ${r.seed}:0 … ${r.seed}:${r.runs - 1} (replay one with ttx run --seed ${r.seed}:<i>), with ${source}.`,
    );
  }
  out.push(
    `${r.meta.workers === 0 ? 'In this thread' : `${r.meta.workers} worker thread(s)`}, ${r.meta.seconds.toFixed(1)} s, ${r.meta.runsPerSecond} runs/s.`,
    '',
  );
  out.push(...statsText(r.stats));
  if (r.alternative) {
    const a = r.alternative;
    out.push(
      '',
      `ALTERNATIVE DECISIONS (${a.decisions} scripted from turn ${r.fork?.atTurn ?? '?'}), same seeds` +
        (a.stats.rejectedDecisions
          ? ` — the rules rejected ${a.stats.rejectedDecisions} of them across the ${r.runs} futures (a decision applies at its turn only if legal then)`
          : ''),
      table(
        [
          ['', 'success', '95% CI'],
          [
            "session's own decisions",
            pct(r.stats.outcomes.success.p),
            ci(r.stats.outcomes.success.ci),
          ],
          [
            'alternative decisions',
            pct(a.stats.outcomes.success.p),
            ci(a.stats.outcomes.success.ci),
          ],
          ['difference', pts(a.successDifference.d), ci(a.successDifference.ci)],
        ],
        'lrr',
      ),
      '',
      ...statsText(a.stats).map((l) => `  ${l}`.trimEnd()),
    );
  }
  if (r.sensitivity) {
    const s = r.sensitivity;
    out.push(
      '',
      `SENSITIVITY — success probability by start value (${s.runsPerLevel} runs a level, the same seeds at every level)`,
    );
    for (const sw of s.sweeps) {
      out.push(
        `  ${sw.label} (${sw.factor}; scenario start ${num(sw.baseline)}): effect low→high ${pts(sw.effect)} (95% CI ${ci(sw.effectCi)})`,
        table(
          [
            ['start', 'success', '95% CI', 'not failure', 'mean end turn'],
            ...sw.levels.map((l) => [
              num(l.value),
              pct(l.success.p),
              ci(l.success.ci),
              pct(l.notFailure.p),
              num(l.meanEndTurn, 1),
            ]),
          ],
          'rrrrr',
          '    ',
        ),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

function statsText(s: BatchStats): string[] {
  const out: string[] = [];
  out.push(
    'OUTCOMES (95% Wilson intervals)',
    table(
      [
        ['', 'runs', 'share', '95% CI'],
        ...(['success', 'partial', 'failure'] as const).map((k) => [
          k,
          String(s.outcomes[k].count),
          pct(s.outcomes[k].p),
          ci(s.outcomes[k].ci),
        ]),
      ],
      'lrrr',
    ),
    'Why runs ended:',
    table(
      s.reasons.map((x) => [pct(x.p), x.result, x.reason]),
      'rll',
      '    ',
    ),
    '',
    `END TURN: mean ${num(s.endTurn.mean, 1)} (sd ${num(s.endTurn.sd, 1)}), median ${num(s.endTurn.p50, 0)}, 10–90% ${num(s.endTurn.p10, 0)}–${num(s.endTurn.p90, 0)}, range ${s.endTurn.min}–${s.endTurn.max}`,
    '',
    'PHASE DURATIONS (turns, over the runs that reached the phase)',
    table(
      [
        ['phase', 'reached', 'mean', 'median', '10–90%', 'max'],
        ...s.phases.map((p) => [
          p.label,
          pct(p.reached.p),
          p.turns.n ? num(p.turns.mean, 1) : '–',
          p.turns.n ? num(p.turns.p50, 0) : '–',
          p.turns.n ? `${num(p.turns.p10, 0)}–${num(p.turns.p90, 0)}` : '–',
          p.turns.n ? String(p.turns.max) : '–',
        ]),
      ],
      'lrrrrr',
    ),
    '',
    'FACTORS AT THE END',
    table(
      [
        ['factor', 'start', 'mean', '10%', 'median', '90%', 'if success', 'otherwise'],
        ...s.factors.map((f) => [
          f.id,
          num(f.start),
          num(f.end.mean),
          num(f.end.p10),
          num(f.end.p50),
          num(f.end.p90),
          f.meanIfSuccess === null ? '–' : num(f.meanIfSuccess),
          f.meanOtherwise === null ? '–' : num(f.meanOtherwise),
        ]),
      ],
      'lrrrrrrr',
    ),
    '',
    'INJECTS THAT FIRED MOST',
    table(
      [
        ['inject', 'fired', 'in runs', 'resolved', 'success', '95% CI', 'mean chance'],
        ...s.injects
          .filter((i) => i.fired > 0)
          .slice(0, TOP_INJECTS)
          .map((i) => [
            i.id,
            String(i.fired),
            pct(i.runs.p),
            String(i.resolved),
            i.success && i.resolved ? pct(i.success.p) : '–',
            i.success && i.resolved ? ci(i.success.ci) : '–',
            i.meanChance === null ? '–' : pct(i.meanChance),
          ]),
      ],
      'lrrrrrr',
    ),
    '',
    'DECISIONS MOST ASSOCIATED WITH SUCCESS (against the runs that faced the same decision and chose otherwise; an association, not a cause)',
  );
  const decisions = s.decisions.slice(0, TOP_DECISIONS);
  if (decisions.length === 0) out.push('  (no decision varied enough across runs to compare)');
  else {
    out.push(
      table(
        [
          ['difference', 'decision', 'taken/faced', 'success if taken', 'if not taken'],
          ...decisions.map((d) => [
            pts(d.difference),
            d.label,
            `${d.taken.n}/${d.taken.n + d.notTaken.n}`,
            `${pct(d.taken.p)} (${ci(d.taken.ci)})`,
            pct(d.notTaken.p),
          ]),
        ],
        'rlrrr',
      ),
    );
  }
  if (s.rejectedDecisions > 0) {
    out.push(
      `${s.rejectedDecisions} scripted decision(s) were rejected by the rules in the runs where they no longer applied.`,
    );
  }
  return out;
}
