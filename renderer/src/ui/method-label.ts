import type { GatedMethod, ServerRequestMethod } from '../../../shared/types';

/** What a person calls each request Airlock decides on, for card and History headings. */
export const METHOD_LABEL: Record<GatedMethod | ServerRequestMethod, string> = {
  'tools/call': 'tool call',
  'resources/read': 'resource read',
  'prompts/get': 'prompt',
  'sampling/createMessage': 'sampling request',
  'elicitation/create': 'elicitation request',
  'roots/list': 'roots request',
};
