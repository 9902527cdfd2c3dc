import { CustodianError } from '../errors';
import { contract, isChannel } from './contract';
import type { Channel, ChannelOutput, ParsedInput } from './contract';
import { fail, ok } from './result';
import type { IpcResult } from './result';

/** What core implements: one async function per channel, receiving already-parsed input. */
export type Handlers = {
  [C in Channel]: (input: ParsedInput<C>) => Promise<ChannelOutput<C>>;
};

/** Receives errors that are bugs (not CustodianErrors). Must not be given user data to log. */
export type InternalErrorSink = (channel: string, error: unknown) => void;

/**
 * The IPC edge shared by the Electron main process and the harness bridge: checks the channel,
 * parses the input with the contract, calls core, parses the output, and turns errors into
 * values. Never throws.
 *
 * Validation messages name the path and the rule, never the offending value, which may be a
 * passphrase or PII.
 */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawInput: unknown,
  onInternalError: InternalErrorSink = () => undefined,
): Promise<IpcResult<unknown>> {
  if (!isChannel(channel)) return fail('unknown_channel', 'This request is not part of the Custodian API.');
  const spec = contract[channel];
  const parsed = spec.input.safeParse(rawInput);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length ? issue.path.join('.') : 'input'}: ${issue.message}`)
      .join('; ');
    return fail('validation_failed', `Invalid request to ${channel} (${where}).`);
  }
  try {
    const handler = handlers[channel] as (input: unknown) => Promise<unknown>;
    const output = spec.output.safeParse(await handler(parsed.data));
    if (!output.success) {
      onInternalError(channel, new Error(`handler output does not match the contract for ${channel}`));
      return fail('internal', 'Custodian produced an unexpected response. Nothing was changed; please report this.');
    }
    return ok(output.data);
  } catch (error) {
    if (error instanceof CustodianError) return fail(error.code, error.message);
    onInternalError(channel, error);
    return fail('internal', 'An unexpected error occurred. Nothing was changed; please report this.');
  }
}
