import { useState } from 'react';
import { hostsActions, useHosts } from '../../state/hosts';
import { Visible } from '../../ui/Visible';

/** Project files (`.mcp.json`, `.cursor/mcp.json`, `.vscode/mcp.json`…) of a folder the hosts do not know yet. */
export function ProjectPicker({ projects }: { projects: string[] }) {
  const current = useHosts((s) => s.project);
  const [text, setText] = useState(current ?? '');
  return (
    <form
      className="project-picker"
      onSubmit={(e) => {
        e.preventDefault();
        void hostsActions.setProject(text);
      }}
    >
      <label>
        <span className="muted small">Also look in a project folder</span>
        <input type="text" className="mono" placeholder="/path/to/project" value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />
      </label>
      <button type="submit" className="btn small">
        Look
      </button>
      {projects.length > 0 && (
        <span className="muted small project-list">
          Projects scanned:{' '}
          {projects.map((p, i) => (
            <span key={p}>
              {i > 0 && ', '}
              <Visible text={p} oneLine className="mono" />
            </span>
          ))}
        </span>
      )}
    </form>
  );
}
