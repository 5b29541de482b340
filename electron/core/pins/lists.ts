import { isPlainObject } from '../../../shared/jsonrpc';
import type { DefinitionKind } from '../../../shared/types';
import type { ToolFacts } from '../describe-call';

/** The list methods whose answers are pinned: which field holds the definitions, and their kind. */
export const LIST_METHODS: Readonly<Record<string, { field: string; kind: DefinitionKind }>> = {
  'tools/list': { field: 'tools', kind: 'tool' },
  'prompts/list': { field: 'prompts', kind: 'prompt' },
  'resources/list': { field: 'resources', kind: 'resource' },
  'resources/templates/list': { field: 'resourceTemplates', kind: 'resource-template' },
};

/** Which lists to read again when a server announces a change. */
export const LIST_CHANGED_METHODS: Readonly<Record<string, string[]>> = {
  'notifications/tools/list_changed': ['tools/list'],
  'notifications/prompts/list_changed': ['prompts/list'],
  'notifications/resources/list_changed': ['resources/list', 'resources/templates/list'],
};

/** How to tell a host that definitions of a kind were released (instructions and server info travel only at initialize). */
export const NOTIFICATION_FOR_KIND: Readonly<Partial<Record<DefinitionKind, string>>> = {
  tool: 'notifications/tools/list_changed',
  prompt: 'notifications/prompts/list_changed',
  resource: 'notifications/resources/list_changed',
  'resource-template': 'notifications/resources/list_changed',
};

/** Title, description and annotations of an approved tool, for its call cards. */
export function toolFacts(view: unknown): ToolFacts {
  if (!isPlainObject(view)) return {};
  return {
    ...(typeof view.title === 'string' ? { title: view.title } : {}),
    ...(typeof view.description === 'string' ? { description: view.description } : {}),
    ...(isPlainObject(view.annotations) ? { annotations: view.annotations } : {}),
  };
}
