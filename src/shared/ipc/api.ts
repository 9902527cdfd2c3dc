import { CHANNELS, splitChannel } from './contract';
import type { Channel, ChannelInput, ChannelOutput } from './contract';
import type { IpcResult } from './result';

type FeatureOf<C> = C extends `custodian:${infer F}.${string}` ? F : never;

type Method<C extends Channel> =
  // Channels whose input is an empty strict object (`Record<string, never>`) may be called with no argument.
  string extends keyof ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>
    : (input: ChannelInput<C>) => Promise<IpcResult<ChannelOutput<C>>>;

/** `window.custodian`: `{ app: { info() }, diagnostics: { selfTest() } }`, derived from the contract. */
export type CustodianApi = {
  [F in FeatureOf<Channel>]: {
    [C in Channel as C extends `custodian:${F}.${infer A}` ? A : never]: Method<C>;
  };
};

/** Sends one call over a transport (Electron IPC, or the harness's loopback bridge). */
export type Invoke = (channel: Channel, input: unknown) => Promise<unknown>;

/**
 * Builds the renderer-facing API from the contract over any transport. The preload and the
 * harness both call this, so `window.custodian` has the same shape in both.
 */
export function buildApi(invoke: Invoke): CustodianApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const channel of CHANNELS) {
    const [feature, action] = splitChannel(channel);
    const group = (api[feature] ??= {});
    group[action] = (input?: unknown) => invoke(channel, input ?? {});
  }
  for (const group of Object.values(api)) Object.freeze(group);
  return Object.freeze(api) as unknown as CustodianApi;
}

/** The API's shape as sorted `feature.action` names, for comparing transports in tests. */
export function apiShape(api: object): string[] {
  const names: string[] = [];
  for (const [feature, group] of Object.entries(api)) {
    for (const [action, fn] of Object.entries(group as object)) {
      if (typeof fn === 'function') names.push(`${feature}.${action}`);
    }
  }
  return names.sort();
}
