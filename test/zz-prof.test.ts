import { test } from 'vitest';
import { readFileSync } from 'node:fs';
import { visibleStrings } from '../shared/findings/collect';
import { scanInvisible } from '../shared/findings/invisible';
import { scanTerminal } from '../shared/findings/terminal';
import { scanSensitivePaths } from '../shared/findings/sensitive-paths';
import { scanEncoded } from '../shared/findings/encoded';
import { scanPhrases, prepareContext, scanString } from '../shared/findings/text';
import { readingOf } from '../shared/findings/reading';
import { PHRASE_RULES } from '../shared/findings/phrases';
import { isNameRole } from '../shared/findings/finding';
test('prof', () => {
  const real = JSON.parse(readFileSync('/tmp/real-servers.json', 'utf8'));
  const base: any[] = Object.values<any>(real).flatMap((s) => s.tools);
  const tools = Array.from({ length: 500 }, (_, i) => {
    const t = structuredClone(base[i % base.length]);
    t.name = `${t.name}_${i}`;
    t.description = `${t.description} ${base[(i + 7) % base.length].description}`;
    return t;
  });
  const ctx = prepareContext({ otherServerTools: Array.from({ length: 200 }, (_, i) => `other_tool_${i}`) }, 'x');
  for (let round = 0; round < 3; round++) {
    const times: Record<string, number> = {};
    const time = (k: string, f: () => void) => { const t = performance.now(); f(); times[k] = (times[k] ?? 0) + performance.now() - t; };
    let strings: any[] = [];
    time('collect', () => { strings = tools.flatMap((t) => visibleStrings('tool', t)); });
    const prose = strings.filter((s) => !isNameRole(s.role));
    const names = strings.filter((s) => isNameRole(s.role));
    time('names-all', () => { for (const s of names) scanString(s, ctx); });
    time('invisible', () => { for (const s of prose) scanInvisible(s.text, s.path, s.role); });
    time('terminal', () => { for (const s of prose) scanTerminal(s.text, s.path, s.role); });
    time('reading', () => { for (const s of prose) readingOf(s.text); });
    time('paths', () => { for (const s of prose) scanSensitivePaths(s.text, s.path, s.role); });
    time('encoded', () => { for (const s of prose) scanEncoded(s.text, s.path); });
    time('phrases', () => { for (const s of prose) scanPhrases(s.text, s.path, s.role, ctx, false); });
    const per: Record<number, number> = {};
    for (const s of prose) PHRASE_RULES.forEach((r, i) => { const t = performance.now(); r.pattern.lastIndex = 0; while (r.pattern.exec(s.text)); per[i] = (per[i] ?? 0) + performance.now() - t; });
    console.log('round', round, strings.length, 'names', names.length, JSON.stringify(Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.toFixed(1)]))));
    if (round === 2) console.log(Object.entries(per).map(([i, v]) => `${i}:${v.toFixed(1)}`).join(' '));
  }
});
