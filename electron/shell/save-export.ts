/**
 * Saving an exported history view from the desktop window. The shell refuses every download (the
 * Electron checklist), so the window hands the document to the main process, which asks the person
 * where to put it with the system save dialog. Nothing here imports `electron`: the dialog and the
 * file system are passed in, so the checks run under plain Node in tests.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ExportDocument {
  filename: string;
  content: string;
}

export interface SaveDialogLike {
  showSaveDialog(options: { defaultPath: string; filters: Array<{ name: string; extensions: string[] }> }): Promise<{ canceled: boolean; filePath?: string }>;
}

export type SaveResult = { saved: true; path: string } | { saved: false; reason: string };

const FILENAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(?:csv|jsonl)$/;
const MAX_BYTES = 512 * 1024 * 1024;

/** Validates what the page sent (it is untrusted input too), asks where to save, writes 0600. */
export async function saveExport(document: unknown, dialog: SaveDialogLike, downloadsDir: string): Promise<SaveResult> {
  if (typeof document !== 'object' || document === null) return { saved: false, reason: 'nothing to save' };
  const { filename, content } = document as Partial<ExportDocument>;
  if (typeof filename !== 'string' || !FILENAME.test(filename)) return { saved: false, reason: 'the file name is not an export name' };
  if (typeof content !== 'string' || Buffer.byteLength(content) > MAX_BYTES) return { saved: false, reason: 'the export is not text or is too large' };
  const extension = path.extname(filename).slice(1);
  const choice = await dialog.showSaveDialog({
    defaultPath: path.join(downloadsDir, filename),
    filters: [{ name: extension === 'csv' ? 'CSV' : 'JSON Lines', extensions: [extension] }],
  });
  if (choice.canceled || !choice.filePath) return { saved: false, reason: 'cancelled' };
  fs.writeFileSync(choice.filePath, content, { mode: 0o600 });
  return { saved: true, path: choice.filePath };
}
