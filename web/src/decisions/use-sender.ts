/** Sends a command and keeps the outcome, in words, for a status line. */
import { useState } from 'preact/hooks';
import type { CommandBody } from '../../../engine/commands/schema.js';
import { RefusedError, type LiveSession } from '../session/live-session.js';

export interface SendResult {
  readonly ok: boolean;
  readonly text: string;
}

export function useSender(
  live: LiveSession,
  describe: (c: CommandBody) => string,
): {
  result: SendResult | undefined;
  busy: boolean;
  send: (c: CommandBody) => Promise<void>;
} {
  const [result, setResult] = useState<SendResult | undefined>();
  const [busy, setBusy] = useState(false);
  const send = async (c: CommandBody): Promise<void> => {
    setResult(undefined);
    setBusy(true);
    try {
      await live.send(c);
      setResult({ ok: true, text: `Done: ${describe(c)}.` });
    } catch (err) {
      const why = err instanceof RefusedError ? err.message : String(err);
      setResult({ ok: false, text: `Not done: ${describe(c)}. ${why}` });
    } finally {
      setBusy(false);
    }
  };
  return { result, busy, send };
}
