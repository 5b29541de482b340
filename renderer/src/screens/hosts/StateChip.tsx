import type { HostEntryView } from '../../../../shared/hosts';

const LABEL: Record<HostEntryView['state'], string> = {
  protected: 'Protected by Airlock',
  unprotected: 'Not protected',
  remote: 'Remote · not protectable yet',
  unsupported: 'Cannot protect',
};

/** Where an entry stands. Amber for a local server that bypasses Airlock; green once it goes through. */
export function EntryStateChip({ entry }: { entry: HostEntryView }) {
  return <span className={`host-state host-state-${entry.state}`}>{LABEL[entry.state]}</span>;
}
