import type { HostEntryView } from '../../../../shared/hosts';

/**
 * The core produces three states (remote entries are protectable now, so its old `remote` state
 * is gone): anything that is neither protected nor protectable reads as "cannot protect".
 */
function label(state: HostEntryView['state']): string {
  switch (state) {
    case 'protected':
      return 'Protected by Airlock';
    case 'unprotected':
      return 'Not protected';
    default:
      return 'Cannot protect';
  }
}

/** Where an entry stands. Amber for a server that bypasses Airlock; green once it goes through. */
export function EntryStateChip({ entry }: { entry: HostEntryView }) {
  return <span className={`host-state host-state-${entry.state}`}>{label(entry.state)}</span>;
}
