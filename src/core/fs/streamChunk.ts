/**
 * Read size for streaming a file through core (1 MiB): each read is a round trip to libuv's
 * thread pool, and at the 64 KiB default a 512 MiB evidence file costs 8,192 of them.
 */
export const STREAM_CHUNK = 1024 * 1024;
