import { spawnSync } from 'node:child_process';

/** Tests launch the real `airlock` binary, so the CLI bundle must match the sources under test. */
export default function setup(): void {
  const result = spawnSync(process.execPath, ['scripts/build.mjs', 'cli'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('building the CLI for tests failed');
}
