import type { PendingItem } from '../../../shared/types';
import { CallCard } from './CallCard';
import { DefinitionsCard, ElicitationCard, RootsCard, SamplingCard } from './ReviewCards';

export function ItemCard({ item }: { item: PendingItem }) {
  switch (item.kind) {
    case 'call':
      return <CallCard item={item} />;
    case 'definitions':
      return <DefinitionsCard key={item.id} item={item} />;
    case 'sampling':
      return <SamplingCard item={item} />;
    case 'elicitation':
      return <ElicitationCard item={item} />;
    case 'roots':
      return <RootsCard item={item} />;
  }
}

/** A one-line name for an item in the queue. */
export function itemHeadline(item: PendingItem): string {
  switch (item.kind) {
    case 'call':
      return item.target;
    case 'definitions':
      return item.reason === 'first-sight' ? `${item.items.length} new definitions` : `${item.items.length} changed definitions`;
    case 'sampling':
      return 'sampling request';
    case 'elicitation':
      return 'asks you for input';
    case 'roots':
      return 'asks for roots';
  }
}
