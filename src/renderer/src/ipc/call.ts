import type { ErrorCode } from '../../../shared/errors';
import type { IpcResult } from '../../../shared/ipc/result';

/** An IPC failure surfaced to React Query; `message` is written for the user. */
export class IpcCallError extends Error {
  override readonly name = 'IpcCallError';

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Resolves to the value of a successful call, or rejects with an IpcCallError. */
export async function call<T>(pending: Promise<IpcResult<T>>): Promise<T> {
  const result = await pending;
  if (result.ok) return result.value;
  throw new IpcCallError(result.error.code, result.error.message);
}
