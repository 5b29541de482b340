import type { ReactNode } from 'react';

/** A labelled block of the detail pane (a narrow cousin of a card's section). */
export function DetailSection({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <section className={`detail-section${className ? ` ${className}` : ''}`} aria-label={title}>
      <h3>{title}</h3>
      <div className="section-body">{children}</div>
    </section>
  );
}
