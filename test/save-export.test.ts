import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveExport, type SaveDialogLike } from '../electron/shell/save-export';
import { cleanupHomes, tempDir } from './helpers/harness';

afterAll(cleanupHomes);

/** The system save dialog as a person answers it: a chosen path, or cancel. */
function answering(filePath: string | undefined): SaveDialogLike & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async showSaveDialog(options) {
      asked.push(options.defaultPath);
      return filePath ? { canceled: false, filePath } : { canceled: true };
    },
  };
}

describe('saving a history export from the desktop window', () => {
  it('asks where to save, proposing the export name in Downloads, and writes a private file', async () => {
    const dir = tempDir('airlock-export-');
    const target = path.join(dir, 'chosen.csv');
    const dialog = answering(target);
    const result = await saveExport({ filename: 'airlock-history-2026-11-24.csv', content: 'seq,tool\n1,read_file\n' }, dialog, '/home/me/Downloads');
    expect(result).toEqual({ saved: true, path: target });
    expect(dialog.asked).toEqual(['/home/me/Downloads/airlock-history-2026-11-24.csv']);
    expect(fs.readFileSync(target, 'utf8')).toBe('seq,tool\n1,read_file\n');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });

  it('treats what the page sends as untrusted: odd names and non-text never reach the dialog', async () => {
    for (const document of [null, { filename: '../../.bashrc', content: 'x' }, { filename: 'notes.sh', content: 'x' }, { filename: 'a.csv', content: 42 }, { filename: '.hidden.csv', content: '' }]) {
      const dialog = answering('/tmp/never');
      const result = await saveExport(document, dialog, '/tmp');
      expect(result.saved).toBe(false);
      expect(dialog.asked).toEqual([]);
    }
  });

  it('saves nothing when the person cancels', async () => {
    expect(await saveExport({ filename: 'x.jsonl', content: '{}' }, answering(undefined), '/tmp')).toEqual({ saved: false, reason: 'cancelled' });
  });
});
