import type { ErrorCode, IpcError } from '../errors';

/** What every IPC call resolves to: errors are values, never thrown across the boundary. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

export function fail(code: ErrorCode, message: string): IpcResult<never> {
  return { ok: false, error: { code, message } };
}
