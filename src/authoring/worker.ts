/**
 * A worker thread of `ttx check`: evaluates batches of property runs and statistic seeds for
 * the scenario it was started with (see pool.ts), and posts back plain summaries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../../engine/index.js';
import { exploreBatch, statisticHits, Subject } from './evaluate.js';
import type { Task, WorkerReply } from './pool.js';

const port = parentPort;
if (port) {
  const scenario = (workerData as { scenario: Scenario }).scenario;
  const subject = new Subject(scenario);
  const reply = (r: WorkerReply): void => port.postMessage(r);
  port.on('message', ({ id, task }: { id: number; task: Task }) => {
    try {
      if (task.kind === 'explore') {
        const result = exploreBatch(subject, task.plays, (i) => {
          if (i % 10 === 9) reply({ id, progress: i + 1 });
        });
        reply({ id, result });
      } else {
        const st = scenario.properties?.find((p) => p.id === task.property)?.statistic;
        if (!st) throw new Error(`no statistic '${task.property}'`);
        reply({ id, result: statisticHits(scenario, st, task.from, task.to) });
      }
    } catch (err) {
      reply({ id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    }
  });
  reply({ ready: true });
}
