/**
 * The shared metadata-attack fixture (copied into test/fixtures): every attack raises at least
 * the kinds it expects, and no benign definition raises a `high` finding.
 */
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/metadata-attacks.json';
import { highestSeverity, scanDefinition } from '../shared/findings';

interface Attack {
  id: string;
  expect: string[];
  other_tools?: string[];
  decoded_hidden_text?: string;
  tool: unknown;
}

const attacks = fixture.attacks as Attack[];

describe('metadata-attacks fixture', () => {
  it.each(attacks.map((attack) => [attack.id, attack] as const))('%s raises its expected kinds', (_id, attack) => {
    const findings = scanDefinition('tool', attack.tool, { otherServerTools: attack.other_tools ?? [] });
    const kinds = new Set(findings.map((finding) => finding.kind));
    for (const kind of attack.expect) expect([...kinds], `expected a ${kind} finding`).toContain(kind);
  });

  it.each(attacks.map((attack) => [attack.id, attack] as const))('%s is rated high overall', (_id, attack) => {
    expect(highestSeverity(scanDefinition('tool', attack.tool, { otherServerTools: attack.other_tools ?? [] }))).toBe('high');
  });

  it('decodes the smuggled tag characters so a person can read them', () => {
    const attack = attacks.find((a) => a.id === 'tag-smuggling')!;
    const finding = scanDefinition('tool', attack.tool).find((f) => f.kind === 'invisible-character');
    expect(finding?.decoded).toContain(attack.decoded_hidden_text);
    expect(finding?.decoded).toContain('ALWAYS');
  });

  it.each(fixture.benign.map((tool) => [tool.name, tool] as const))('benign %s raises no high finding', (_name, tool) => {
    const high = scanDefinition('tool', tool).filter((finding) => finding.severity === 'high');
    expect(high).toEqual([]);
  });

  it('every finding points at a string that exists in the definition', () => {
    for (const attack of attacks) {
      for (const finding of scanDefinition('tool', attack.tool, { otherServerTools: attack.other_tools ?? [] })) {
        const value = finding.path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], attack.tool);
        expect(value, `${attack.id}: ${finding.path}`).toBeDefined();
        if (finding.span && typeof value === 'string') expect(finding.span.end).toBeLessThanOrEqual(value.length);
      }
    }
  });
});
