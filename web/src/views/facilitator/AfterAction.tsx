/** Once the exercise has ended: the after-action report and the command log, for the white cell. */

interface Props {
  readonly session: string;
  readonly token: string;
}

export function AfterAction({ session, token }: Props) {
  const base = `/api/sessions/${encodeURIComponent(session)}`;
  const auth = `token=${encodeURIComponent(token)}`;
  return (
    <section class="panel" aria-labelledby="aar-title">
      <h2 id="aar-title">After the exercise</h2>
      <ul class="plain links">
        <li>
          <a
            href={`${base}/report?${auth}`}
            target="_blank"
            rel="noopener noreferrer"
            data-testid="report-link"
          >
            After-action report
          </a>{' '}
          <span class="muted">(opens in a new tab; print it or save it as a file)</span>
        </li>
        <li>
          <a href={`${base}/report?${auth}&futures=100`} target="_blank" rel="noopener noreferrer">
            After-action report with the odds turn by turn
          </a>{' '}
          <span class="muted">(plays 100 futures from every turn: takes a while)</span>
        </li>
        <li>
          <a href={`${base}/report?${auth}&format=md`} download>
            The report as Markdown
          </a>
        </li>
        <li>
          <a href={`${base}/log?${auth}`} download data-testid="log-link">
            Download the command log (.jsonl)
          </a>{' '}
          <span class="muted">
            (replay it with <code>npx ttx replay</code>, analyse it with <code>npx ttx report</code>{' '}
            or <code>npx ttx batch --from</code>)
          </span>
        </li>
      </ul>
    </section>
  );
}
