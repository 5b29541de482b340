import { test } from 'vitest';
import { readFileSync } from 'node:fs';
import { visibleStrings } from '../shared/findings/collect';
import { scanInvisible } from '../shared/findings/invisible';
import { scanTerminal } from '../shared/findings/terminal';
import { scanSensitivePaths } from '../shared/findings/sensitive-paths';
import { scanConfusableName } from '../shared/findings/confusables';
import { prepareContext } from '../shared/findings/text';
import { isNameRole } from '../shared/findings/finding';
test('prof', () => {
  const real = JSON.parse(readFileSync('/tmp/real-servers.json', 'utf8'));
  const base: any[] = Object.values<any>(real).flatMap((s) => s.tools);
  const tools = Array.from({ length: 500 }, (_, i) => { const t = structuredClone(base[i % base.length]); t.name = `${t.name}_${i}`; return t; });
  const ctx = prepareContext({ otherServerTools: Array.from({ length: 200 }, (_, i) => `other_tool_${i}`) }, 'x');
  const strings = tools.flatMap((t) => visibleStrings('tool', t));
  const names = strings.filter((s) => isNameRole(s.role));
  const roles: Record<string, number> = {}; for (const n of names) roles[n.role] = (roles[n.role] ?? 0) + 1;
  console.log(JSON.stringify(roles), names.slice(0, 30).map((n) => n.text).join(','));
  for (let round = 0; round < 3; round++) {
    const times: Record<string, number> = {};
    const time = (k: string, f: () => void) => { const t = performance.now(); f(); times[k] = (times[k] ?? 0) + performance.now() - t; };
    time('invisible', () => { for (const s of names) scanInvisible(s.text, s.path, s.role); });
    time('terminal', () => { for (const s of names) scanTerminal(s.text, s.path, s.role); });
    time('paths', () => { for (const s of names) scanSensitivePaths(s.text, s.path, s.role); });
    time('confusable', () => { for (const s of names) if (s.role !== 'key') scanConfusableName(s.text, s.path, ctx.otherSkeletons, s.role === 'name'); });
    console.log('round', round, JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.toFixed(1)]))));
  }
});
