/**
 * The preload: the only bridge between the sandboxed page and the main process. It exposes
 * `window.airlock`, an object of NAMED functions derived from the contract (one per query,
 * command and event) — no generic invoke(channel) or on(channel), no ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_NAME, buildBridge } from './shell/contract-ipc';

contextBridge.exposeInMainWorld(BRIDGE_NAME, buildBridge(ipcRenderer));
