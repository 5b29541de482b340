import { ApiFailure, type CoreApi } from '../../shared/contract';
import type { ServerRecord } from '../../shared/types';
import type { Core } from './core';

/**
 * The contract, implemented: each query and command the window (or any UI transport) may call,
 * mapped onto the core. Inputs arrive already validated by `dispatch`.
 */
export function buildCoreApi(core: Core): CoreApi {
  return {
    status: () => core.status(),
    pending: () => core.pendingItems(),
    servers: () => core.serverViews(),
    rules: () => core.settings.data.rules,
    definitionAt: ({ server, key, hash }) => core.guard.definitionAt(server, key, hash),
    ...core.hosts.contractApi(),
    history: (input) => core.history.query(input),
    historyEntry: ({ seq }) => core.history.entry(seq),
    historySettings: () => core.history.settingsView(),
    historyIndexStatus: () => core.history.indexState(),
    verifyLog: () => core.history.verify(),
    exportHistory: ({ format, maxRows, ...filter }) => core.history.exportView(filter, format, maxRows),
    setHistorySettings: async (change) => {
      const view = await core.history.updateSettings(change);
      // Exporting sends call records off the machine: worth a line. Header values are never written.
      const telemetry = change.telemetry === null ? 'off' : change.telemetry ? { ...change.telemetry, headers: Object.keys(change.telemetry.headers ?? {}) } : undefined;
      core.record({ type: 'event', event: 'settings-changed', by: 'person', detail: JSON.stringify({ retention: change.retention, telemetry }) });
      return view;
    },
    reindexHistory: () => core.history.reindex(),
    approve: ({ id, hash, scope }) => core.approve(id, hash, scope),
    approveDefinitions: ({ id, items }) => ({ approved: core.decideDefinitions(id, 'approved', items) }),
    rejectDefinitions: ({ id, items }) => ({ rejected: core.decideDefinitions(id, 'rejected', items) }),
    deny: ({ id, message }) => {
      core.deny(id, message);
      return { ok: true as const };
    },
    revokeServer: ({ server }) => {
      core.revoke(server, 'person');
      return { ok: true as const };
    },
    restoreServer: ({ server }) => {
      core.restore(server, 'person');
      return { ok: true as const };
    },
    pause: () => {
      core.pause('person');
      return { ok: true as const };
    },
    resume: () => {
      core.resume('person');
      return { ok: true as const };
    },
    updateSettings: (change) => {
      core.updateSettings(change);
      return core.status();
    },
    acceptSettings: () => {
      core.acceptSettings();
      return core.status();
    },
    removeRule: ({ id }) => {
      core.removeRule(id, 'person');
      return { ok: true as const };
    },
    createRule: ({ server, tool, action, fromSeq }) => {
      if (!core.settings.data.servers[server]) throw new ApiFailure('not-found', `No server named "${server}" is registered now; a rule for it would never apply.`);
      const existing = core.settings.data.rules.find((r) => r.server === server && r.tool === tool && r.action === action);
      if (existing) return { rule: existing, created: false };
      return { rule: core.addRule({ server, tool, action, source: fromSeq !== undefined ? `From history call #${fromSeq}` : 'From history' }), created: true };
    },
    login: ({ server }) => core.remote.startLogin(remoteRecord(core, server), 'person', (work) => core.inBackground(work)),
    logout: ({ server }) => core.inBackground(core.remote.logout(remoteRecord(core, server, true), 'person')),
  };
}

/** A registered remote server, for login and logout from the window. */
function remoteRecord(core: Core, server: string, evenIfRevoked = false): ServerRecord {
  const record = core.settings.data.servers[server];
  if (!record) throw new ApiFailure('not-found', `No server named "${server}".`);
  if (record.spec.transport === 'stdio') throw new ApiFailure('conflict', `"${server}" is a local server; only remote servers log in.`);
  if (!evenIfRevoked && core.effective.revocationOf(server)) throw new ApiFailure('conflict', `"${server}" is revoked; restore it first, then log in.`);
  return record;
}
