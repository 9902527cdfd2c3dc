import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Electron binary's path, or null where none was downloaded (installs made with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on the development and CI machines).
 *
 * Deliberately does not `require('electron')`: since Electron 45 that require downloads the
 * binary when it is missing, which would reach for the network in an offline test run.
 */
export function electronBinary(): string | null {
  const packageDir = join('node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist');
  const binary = join(distDir, relative);
  return existsSync(binary) ? binary : null;
}

export const NO_ELECTRON_REASON = 'skipped: no Electron binary (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1)';
