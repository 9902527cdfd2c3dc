import { contextBridge, ipcRenderer } from 'electron';
import { buildApi } from '../shared/ipc/api';

// The preload exposes the contract-derived API as `window.custodian` and nothing else: no
// ipcRenderer, no Node, no file paths. Emitted as one CommonJS file (sandboxed preloads cannot
// be ES modules).
const api = buildApi((channel, input) => ipcRenderer.invoke(channel, input));

contextBridge.exposeInMainWorld('custodian', api);
