import { z } from 'zod';

/**
 * The one IPC contract. Each channel is `custodian:<feature>.<action>` and maps to the zod
 * schema of its input (parsed in main / the harness before core sees it) and of its output
 * (parsed before it is returned, so a handler cannot leak fields the contract does not name).
 *
 * Inputs are always strict objects: unknown keys are a validation error, not silently dropped.
 * The preload API, the main-process registration and the harness bridge are all derived from
 * this table; `contract.test.ts` proves they agree.
 */
export const contract = {
  'custodian:app.info': {
    input: z.object({}).strict(),
    output: z.object({
      name: z.string(),
      version: z.string(),
      /** Always true: this build makes no network connections. */
      offline: z.literal(true),
    }),
  },
  'custodian:diagnostics.selfTest': {
    input: z.object({}).strict(),
    output: z.object({
      checks: z.array(
        z.object({
          id: z.string(),
          label: z.string(),
          ok: z.boolean(),
          detail: z.string(),
        }),
      ),
    }),
  },
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Contract[C]['input']>;
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export const CHANNELS = Object.keys(contract) as Channel[];

export function isChannel(value: string): value is Channel {
  return Object.hasOwn(contract, value);
}

/** `custodian:app.info` -> `['app', 'info']`. */
export function splitChannel(channel: Channel): [feature: string, action: string] {
  const match = /^custodian:([a-z][a-zA-Z]*)\.([a-z][a-zA-Z]*)$/.exec(channel);
  if (!match?.[1] || !match[2]) throw new Error(`malformed channel name: ${channel}`);
  return [match[1], match[2]];
}
