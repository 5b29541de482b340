import type { OperationAssessment, OperationClass } from '../../../shared/types';

export function OperationTag({ op, prefix }: { op: OperationClass; prefix?: string }) {
  return (
    <span className={`op op-${op}`}>
      {prefix && <span className="op-prefix">{prefix} </span>}
      {op}
    </span>
  );
}

/** The server's claim (annotations, untrusted) next to Airlock's own reading; the effective class leads. */
export function OperationLine({ operation }: { operation: OperationAssessment }) {
  const disagree = operation.claimed !== operation.assessed && operation.claimed !== 'unknown' && operation.assessed !== 'unknown';
  return (
    <div className="operation">
      <OperationTag op={operation.effective} />
      <span className="op-sources">
        <span className="op-source">
          server claims: <b>{operation.claimed}</b>
        </span>
        <span className="op-source">
          Airlock reads: <b className={operation.assessed === 'destructive' ? 'danger-text' : undefined}>{operation.assessed}</b>
        </span>
        {disagree && <span className="op-disagree">they disagree</span>}
      </span>
      {operation.reasons.length > 0 && <span className="op-reasons">({operation.reasons.join('; ')})</span>}
    </div>
  );
}
