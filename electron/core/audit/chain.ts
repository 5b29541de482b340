import { createHash } from 'node:crypto';
import type { AuditRecord } from '../../../shared/audit';
import { canonicalJson } from '../../../shared/canonical';

/** The hash of a record: over the previous hash and the canonical JSON of the record without its own hash. */
export function recordHash(record: Omit<AuditRecord, 'hash'> | AuditRecord): string {
  const { hash: _ignored, ...body } = record as AuditRecord;
  return createHash('sha256').update(body.prev).update('\n').update(canonicalJson(body)).digest('hex');
}
