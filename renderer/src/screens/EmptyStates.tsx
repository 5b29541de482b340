import { useAirlock } from '../state/store';

function Step({ title, command, children }: { title: string; command: string; children: string }) {
  return (
    <li className="step">
      <h3>{title}</h3>
      <p className="muted">{children}</p>
      <pre className="command">
        <code>{command}</code>
      </pre>
    </li>
  );
}

/** Nothing waiting: say what that means and what to do next. */
export function EmptyPending() {
  const servers = useAirlock((s) => s.servers);
  const paused = useAirlock((s) => s.status?.paused);
  const running = servers.filter((s) => s.state === 'running').length;
  return (
    <div className="empty" data-testid="empty-pending">
      <h2>Nothing is waiting for you.</h2>
      <p className="muted">
        {paused
          ? 'Airlock is paused: every call is refused, so nothing will wait here until you resume.'
          : servers.length === 0
            ? 'No servers are registered yet. When an agent calls a tool through Airlock, the call stops here until you decide.'
            : `${servers.length} server${servers.length === 1 ? '' : 's'} registered, ${running} in use. New calls appear here the moment an agent makes them.`}
      </p>
      <ol className="steps">
        {servers.length === 0 && (
          <Step title="Add a server" command="airlock add files -- npx -y @modelcontextprotocol/server-filesystem ~/projects">
            Register a local MCP server under a name; Airlock starts it with only the environment you allow.
          </Step>
        )}
        <Step title="Protect a host" command="airlock protect claude-desktop">
          Point a host (Claude Desktop, Claude Code, Cursor, VS Code…) at Airlock, so its servers are launched through `airlock connect`.
        </Step>
        <Step title="See it work" command="npm run demo">
          Runs a demo server and a scripted agent that makes a read, a write, a call with secrets, a path outside its folder and a description change.
        </Step>
      </ol>
    </div>
  );
}
