import type { HostId } from '../../../shared/hosts';
import { claudeCode } from './claude-code';
import { claudeDesktop } from './claude-desktop';
import { codex } from './codex';
import { cursor } from './cursor';
import { geminiCli } from './gemini-cli';
import type { HostDefinition } from './types';
import { vscode, vscodeInsiders } from './vscode';
import { windsurf } from './windsurf';
import { zed } from './zed';

export const HOSTS: readonly HostDefinition[] = [claudeDesktop, claudeCode, cursor, vscode, vscodeInsiders, windsurf, geminiCli, codex, zed];

export function hostById(id: HostId): HostDefinition {
  const host = HOSTS.find((h) => h.id === id);
  if (!host) throw new Error(`unknown host ${id}`);
  return host;
}
