// `npm start` step: builds the database driver's native addon for Electron's ABI into
// out/native/electron/, beside (not instead of) the copy npm built for Node, which the CLI, the
// harness and the tests keep using. Electron's main process hands this copy to core's worker
// (src/main/index.ts). Skipped when the copy for this Electron version already exists.
//
// In a copy of the package: first the maintainers' prebuilt binary for Electron (prebuild-install,
// which needs GitHub), else a build from source against Electron's headers (node-gyp, which needs
// a C++ toolchain and electronjs.org). Packaged apps do not use this: electron-builder rebuilds.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const driver = dirname(require.resolve('better-sqlite3-multiple-ciphers/package.json'));
let electron;
try {
  electron = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
} catch {
  console.error('electron-native: Electron is not installed (npm install without ELECTRON_SKIP_BINARY_DOWNLOAD)');
  process.exit(1);
}
const outDir = join(root, 'out', 'native', 'electron');
const marker = join(outDir, 'electron-version');
if (existsSync(marker) && readFileSync(marker, 'utf8') === electron) process.exit(0);

const work = join(root, 'out', 'native', 'build');
rmSync(work, { recursive: true, force: true });
cpSync(driver, work, { recursive: true, filter: (path) => !path.includes(`${driver}/build`) });
const run = (command, args) => spawnSync(command, args, { cwd: work, stdio: 'inherit', shell: process.platform === 'win32' }).status === 0;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const built =
  run(bin('prebuild-install'), ['--runtime', 'electron', '--target', electron]) ||
  run('npx', ['--yes', 'node-gyp', 'rebuild', '--release', `--target=${electron}`, '--dist-url=https://electronjs.org/headers']);
if (!built) {
  console.error(`electron-native: could not build better-sqlite3-multiple-ciphers for Electron ${electron}`);
  process.exit(1);
}
mkdirSync(outDir, { recursive: true });
copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), join(outDir, 'better_sqlite3.node'));
writeFileSync(marker, electron);
rmSync(work, { recursive: true, force: true });
console.log(`electron-native: better-sqlite3-multiple-ciphers built for Electron ${electron}`);
