import { useEffect, useRef } from 'react';
import { SERVER_NAME_PATTERN } from '../../../../shared/types';
import { hostsActions, useHosts } from '../../state/hosts';
import { Visible } from '../../ui/Visible';

/** Why a proposed name cannot be sent, or undefined when it can. */
function problemWith(name: string, taken: string): string | undefined {
  const trimmed = name.trim();
  if (!SERVER_NAME_PATTERN.test(trimmed)) return 'Use 1–64 letters, digits, “.”, “_” or “-”, starting with a letter or digit.';
  if (trimmed.toLowerCase() === taken.toLowerCase()) return `“${taken}” is the name that is taken.`;
  return undefined;
}

/**
 * A name is taken by an Airlock server that launches something else. Nothing was changed; the person
 * picks a name (the suggestion is editable) and Airlock tries again. Never overwrites.
 */
export function NameDialog() {
  const question = useHosts((s) => s.question);
  const busy = useHosts((s) => Boolean(s.busy.question));
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.focus();
    first.current?.select();
  }, [question?.collisions]);
  useEffect(() => {
    if (!question) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') hostsActions.cancelQuestion();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [question]);
  if (!question) return null;
  const problems = question.collisions.map((c) => problemWith(question.names[c.key] ?? '', c.airlockName));
  const invalid = problems.some(Boolean);
  return (
    <div className="modal-backdrop">
      <form
        className="modal card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="name-dialog-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) void hostsActions.answerNames();
        }}
      >
        <h2 id="name-dialog-title">{question.collisions.length === 1 ? 'This name is taken' : 'These names are taken'}</h2>
        <p className="muted">
          Nothing was changed in {question.label}. An Airlock server with the same name already launches or connects to something else, so this entry needs a name of its own.
          The host keeps its own key for it; only the Airlock name differs.
        </p>
        {question.collisions.map((c, i) => (
          <div key={`${c.file}\u0000${c.key}`} className="name-field">
            <p className="small">
              <Visible text={c.message} />
            </p>
            <label>
              <span>
                Airlock name for{' '}
                <code>
                  <Visible text={c.key} oneLine />
                </code>
              </span>
              <input
                ref={i === 0 ? first : undefined}
                type="text"
                className="mono"
                value={question.names[c.key] ?? ''}
                maxLength={64}
                spellCheck={false}
                aria-invalid={problems[i] ? 'true' : undefined}
                onChange={(e) => hostsActions.setName(c.key, e.target.value)}
              />
            </label>
            {problems[i] && <p className="field-problem small">{problems[i]}</p>}
          </div>
        ))}
        {question.error && (
          <p className="field-problem" role="alert">
            <Visible text={question.error} />
          </p>
        )}
        <div className="modal-buttons">
          <button type="submit" className="btn primary" disabled={busy || invalid}>
            Protect with {question.collisions.length === 1 ? 'this name' : 'these names'}
          </button>
          <button type="button" className="btn" onClick={() => hostsActions.cancelQuestion()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
