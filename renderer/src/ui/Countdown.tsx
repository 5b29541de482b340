import { formatSeconds, useNow } from './useNow';

/**
 * How long the host keeps waiting, and what happens after: the agent is told the call waits in
 * Airlock, and a later approval lets the identical retry through once.
 */
export function Countdown({ deadline, expired, what = 'call' }: { deadline: number; expired?: boolean; what?: string }) {
  const now = useNow(1000);
  const left = deadline - now;
  // A held call can still be approved for the host's retry; a server's request is simply refused.
  const isCall = what === 'call';
  if (expired || left <= 0) {
    return (
      <div className="countdown expired" role="status">
        <strong>Hold time ran out.</strong>{' '}
        {isCall
          ? 'The agent was told this call is waiting in Airlock. Approving now lets the identical retry through once, within 10 minutes.'
          : 'Nobody decided in time, so the request was refused; nothing was sent.'}
      </div>
    );
  }
  return (
    <div className={`countdown${left < 10_000 ? ' soon' : ''}`} role="timer">
      <strong className="countdown-time">{formatSeconds(left)}</strong> left —{' '}
      {isCall
        ? 'then the agent is told this call is waiting in Airlock; approving later lets the identical retry through once.'
        : 'then Airlock refuses the request for you; nothing is sent.'}
    </div>
  );
}
