/**
 * A briefing's text: paragraphs, and **bold** as the scenarios write it. Rendered as elements,
 * never as HTML, so a scenario's text cannot inject markup.
 */
import type { ComponentChildren } from 'preact';

function inline(text: string): ComponentChildren[] {
  return text
    .split(/(\*\*[^*]+\*\*)/g)
    .map((part, i) =>
      part.startsWith('**') && part.endsWith('**') && part.length > 4 ? (
        <strong key={i}>{part.slice(2, -2)}</strong>
      ) : (
        part
      ),
    );
}

export function Briefing({ text }: { text: string }) {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s*\n\s*/g, ' ').trim())
    .filter(Boolean);
  return (
    <div class="briefing">
      {paragraphs.map((p, i) => (
        <p key={i}>{inline(p)}</p>
      ))}
    </div>
  );
}
