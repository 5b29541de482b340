import { test } from 'vitest';
import fixture from './fixtures/metadata-attacks.json';
import { scanDefinition } from '../shared/findings';
test('dump', () => {
  for (const a of fixture.attacks as any[]) {
    const f = scanDefinition('tool', a.tool, { otherServerTools: a.other_tools ?? [] });
    console.log('ATTACK', a.id, 'expect', a.expect.join(','));
    for (const x of f) console.log('   ', x.severity, x.kind, x.path, JSON.stringify(x.span), x.message, x.decoded ? 'DECODED=' + JSON.stringify(x.decoded) : '');
  }
  for (const b of fixture.benign as any[]) {
    const f = scanDefinition('tool', b, {});
    console.log('BENIGN', b.name);
    for (const x of f) console.log('   ', x.severity, x.kind, x.path, JSON.stringify(x.span), x.message);
  }
});
