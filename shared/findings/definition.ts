/**
 * Findings for one definition (tool, prompt, resource, resource template, instructions or
 * serverInfo): every string the model reads is scanned, then the tool's parameters and the
 * prompt's arguments are judged as parameters.
 */
import { definitionName } from '../definitions';
import { isPlainObject } from '../jsonrpc';
import { visibleStrings } from './collect';
import { tidyFindings } from './finding';
import { scanArgumentNames, scanParameters } from './parameters';
import { prepareContext, type ScanContext } from './context';
import { scanString } from './text';
import type { DefinitionKind, Finding } from '../types';

export function scanDefinition(kind: DefinitionKind, definition: unknown, context: ScanContext = {}): Finding[] {
  const strings = visibleStrings(kind, definition);
  const prepared = prepareContext(context, definitionName(kind, definition));
  const findings: Finding[] = [];
  for (const item of strings) findings.push(...scanString(item, prepared));
  if (kind === 'tool' && isPlainObject(definition)) {
    findings.push(...scanParameters(definition.inputSchema, 'inputSchema', strings, findings));
  }
  if (kind === 'prompt') {
    const names = strings.filter((item) => item.role === 'property-name').map((item) => ({ name: item.text, path: item.path }));
    findings.push(...scanArgumentNames(names));
  }
  return tidyFindings(findings);
}
