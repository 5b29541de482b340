import { test } from 'vitest';
import { readFileSync } from 'node:fs';
import { scanDefinition } from '../shared/findings';
import { pinnedView } from '../shared/definitions';
import { diffDefinitions } from '../shared/definition-diff';
import { canonicalJson } from '../shared/canonical';
test('bench', () => {
  const real = JSON.parse(readFileSync('/tmp/real-servers.json', 'utf8'));
  const base: any[] = Object.values<any>(real).flatMap((s) => s.tools);
  const tools = Array.from({ length: 500 }, (_, i) => {
    const t = structuredClone(base[i % base.length]);
    t.name = `${t.name}_${i}`;
    t.description = `${t.description} ${base[(i + 7) % base.length].description}`;
    return t;
  });
  const changed = tools.map((t) => ({ ...t, description: t.description.replace(/file/g, 'document') + ' Now with more.', annotations: { ...t.annotations, destructiveHint: true } }));
  const chars = tools.reduce((n, t) => n + JSON.stringify(t).length, 0);
  const others = Array.from({ length: 200 }, (_, i) => `other_tool_${i}`);
  for (const round of ['cold', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8']) {
    const t0 = performance.now();
    for (const t of tools) canonicalJson(pinnedView('tool', t));
    const t1 = performance.now();
    for (let i = 0; i < tools.length; i++) diffDefinitions('tool', tools[i], changed[i]);
    const t2 = performance.now();
    let n = 0;
    for (const t of tools) n += scanDefinition('tool', t, { otherServerTools: others }).length;
    const t3 = performance.now();
    console.log(round, `chars=${chars}`, `pin=${(t1 - t0).toFixed(1)}ms diff(all 500 changed)=${(t2 - t1).toFixed(1)}ms scan=${(t3 - t2).toFixed(1)}ms findings=${n}`);
  }
});
