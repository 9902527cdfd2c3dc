import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A `sqlcipher` command that is a SQLCipher 4 client, for tests that check the README's
 * "open a vault without Custodian" recipe as a user would type it.
 *
 * Debian 12 ships the `sqlcipher` shell with SQLCipher 3.4.1, which cannot read SQLCipher 4.
 * Its shell links `libsqlcipher.so.0` dynamically, so we compile the SQLCipher 4.14 amalgamation
 * that `@journeyapps/sqlcipher` ships (Zetetic's code, independent of our driver) as that library
 * and run Debian's shell on it. The shell refuses a library whose source id differs from the
 * headers it was built with, so the copy we compile reports the shell's id; nothing else changes.
 * Built once into node_modules/.cache (about a minute).
 *
 * @returns the folder holding the `sqlcipher` wrapper, or why it cannot be had here.
 */
export function sqlcipher4Shell(): { dir: string } | { missing: string } {
  const shell = '/usr/bin/sqlcipher';
  if (!existsSync(shell)) return { missing: "Debian's sqlcipher shell (apt-get install sqlcipher)" };
  if (spawnSync('gcc', ['--version']).status !== 0) return { missing: 'a C compiler (gcc)' };
  if (!existsSync('/usr/include/openssl/evp.h')) return { missing: 'OpenSSL headers (apt-get install libssl-dev)' };
  const amalgamation = join(
    dirname(createRequire(import.meta.url).resolve('@journeyapps/sqlcipher/package.json')),
    'deps',
    'sqlcipher-amalgamation',
    'sqlite3.c',
  );
  const shellId = /\b(20\d\d-\d\d-\d\d [\d:]+ [0-9a-f]{40})\b/.exec(spawnSync(shell, ['-version'], { encoding: 'utf8' }).stdout)?.[1];
  if (!shellId) return { missing: "the sqlcipher shell's source id (sqlcipher -version)" };
  const source = readFileSync(amalgamation, 'utf8');
  const key = createHash('sha256').update(source).update(shellId).digest('hex').slice(0, 16);
  const dir = join(process.cwd(), 'node_modules', '.cache', 'custodian-sqlcipher4', key);
  const library = join(dir, 'libsqlcipher.so.0');
  if (!existsSync(library)) {
    mkdirSync(dir, { recursive: true });
    const patched = join(dir, 'sqlite3.c');
    writeFileSync(patched, source.replace(/^#define SQLITE_SOURCE_ID .*$/m, `#define SQLITE_SOURCE_ID "${shellId}"`));
    const building = `${library}.building-${String(process.pid)}`;
    const built = spawnSync(
      'gcc',
      [
        '-O1',
        '-shared',
        '-fPIC',
        '-D_GNU_SOURCE',
        '-include',
        'stdint.h',
        '-DSQLITE_HAS_CODEC',
        '-DSQLCIPHER_CRYPTO_OPENSSL',
        '-DSQLITE_THREADSAFE=1',
        '-DSQLITE_ENABLE_FTS5',
        '-DSQLITE_TEMP_STORE=2',
        '-DSQLITE_EXTRA_INIT=sqlcipher_extra_init',
        '-DSQLITE_EXTRA_SHUTDOWN=sqlcipher_extra_shutdown',
        '-Wl,-soname,libsqlcipher.so.0',
        '-o',
        building,
        patched,
        '-lcrypto',
      ],
      { encoding: 'utf8' },
    );
    if (built.status !== 0) throw new Error(`building SQLCipher 4 failed: ${built.stderr.slice(-2000)}`);
    renameSync(building, library);
  }
  const wrapper = join(dir, 'sqlcipher');
  writeFileSync(wrapper, `#!/bin/sh\nLD_LIBRARY_PATH='${dir}' exec ${shell} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { dir };
}
