import type { ConfigLocation } from './types';

/** A location with the defaults most hosts share (`mcpServers` in a JSON file, user scope). */
export function location(fields: Pick<ConfigLocation, 'host' | 'file'> & Partial<ConfigLocation>): ConfigLocation {
  const container = fields.container ?? ['mcpServers'];
  return {
    format: 'json',
    container,
    where: container.join('.'),
    scope: 'user',
    shape: 'mcp',
    interpolation: 'none',
    ...fields,
  };
}
