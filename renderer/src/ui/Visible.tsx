import { useMemo, useState } from 'react';
import { toSegments } from '../../../shared/visible';

/**
 * Untrusted text, drawn as text. Hidden characters (zero-width, bidi controls, tag characters,
 * terminal escapes…) appear as marks such as ⟨U+200B⟩ or ⟨ESC⟩ with an explanation on hover,
 * so what a person reads is what the model reads. Never HTML, never interpreted.
 */
export function Visible({ text, className, oneLine = false }: { text: string; className?: string; oneLine?: boolean }) {
  const segments = useMemo(() => toSegments(text, { keepLayout: !oneLine }), [text, oneLine]);
  return (
    <span className={className}>
      {segments.map((segment, i) =>
        segment.mark ? (
          <span key={i} className="hidden-mark" title={segment.mark.description} data-hidden={segment.mark.hidden}>
            {segment.text}
          </span>
        ) : (
          <span key={i}>{segment.text}</span>
        ),
      )}
    </span>
  );
}

/** Long untrusted text, folded after `limit` characters with a control to show all of it. */
export function FoldedText({ text, limit = 600, className }: { text: string; limit?: number; className?: string }) {
  const [open, setOpen] = useState(false);
  if (text.length <= limit || open) {
    return (
      <>
        <Visible text={text} className={className} />
        {open && (
          <button type="button" className="link" onClick={() => setOpen(false)}>
            fold
          </button>
        )}
      </>
    );
  }
  return (
    <>
      <Visible text={text.slice(0, limit)} className={className} />
      <span className="ellipsis">…</span>{' '}
      <button type="button" className="link" onClick={() => setOpen(true)}>
        show all {text.length.toLocaleString()} characters
      </button>
    </>
  );
}
