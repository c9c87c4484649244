/** Contingents: who pledged what, with which caveats, and where the units are. */
import type { Contingent } from '../../../engine/state.js';
import { caveatLabel, words } from '../lib/format.js';

interface Props {
  readonly contingents: readonly Contingent[];
  readonly teamName: (id: string) => string;
  readonly injectName: (id: string) => string;
  readonly caption: string;
}

export function ContingentsTable({ contingents, teamName, injectName, caption }: Props) {
  if (contingents.length === 0) return <p class="muted">No contingents pledged yet.</p>;
  return (
    <div class="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Contingent</th>
            <th scope="col">Nation</th>
            <th scope="col">Units</th>
            <th scope="col">Caveats</th>
            <th scope="col">At home / arrived / deployed</th>
            <th scope="col">Committed to</th>
          </tr>
        </thead>
        <tbody>
          {contingents.map((c) => (
            <tr key={c.id}>
              <th scope="row">{c.id}</th>
              <td>{teamName(c.nation)}</td>
              <td>
                {c.units} × {words(c.capability)} ({c.slot})
              </td>
              <td>{c.caveats.length ? c.caveats.map(caveatLabel).join(', ') : 'none'}</td>
              <td>
                {c.atHome} / {c.arrived} / {c.deployed}
              </td>
              <td>{c.committedTo === null ? '—' : injectName(c.committedTo)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
