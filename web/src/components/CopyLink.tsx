/** A join link to hand out: selectable text, a copy button, and an open link. */
import { useState } from 'preact/hooks';

interface Props {
  readonly id: string;
  readonly label: string;
  readonly url: string;
}

export function CopyLink({ id, label, url }: Props) {
  const [copied, setCopied] = useState<string | undefined>();
  const copy = async (input: HTMLInputElement | null): Promise<void> => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied('Copied.');
    } catch {
      // No clipboard here (a page not on localhost or https): select it for Ctrl+C.
      input?.select();
      setCopied('Selected: press Ctrl+C (⌘C) to copy.');
    }
  };
  return (
    <div class="copy-link">
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input id={id} type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
        <button
          type="button"
          onClick={(e) => void copy(e.currentTarget.parentElement?.querySelector('input') ?? null)}
        >
          Copy<span class="visually-hidden"> the link for {label}</span>
        </button>
        <a href={url} target="_blank" rel="noopener noreferrer">
          Open<span class="visually-hidden"> the page for {label}</span>
        </a>
      </div>
      <span class="copy-status" role="status" aria-live="polite">
        {copied}
      </span>
    </div>
  );
}

/** The link a role joins with; the token rides in the fragment, which never leaves the browser. */
export const joinUrl = (token: string): string =>
  `${location.origin}/play#token=${encodeURIComponent(token)}`;
