import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_PASSPHRASE, tempDir } from '../../../tests/support/tempVault';
import { createCore } from '../handlers';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir();
});
afterEach(() => {
  temp.cleanup();
});

/** Every file under `dir`, temporary ones included. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name);
}

describe('jobs at lock', () => {
  it('locking stops and forgets the session’s evidence add: nothing is kept, and the next session neither sees it nor is refused for it', async () => {
    // Large enough that sealing outlasts a lock and an unlock (about 1 s here).
    const video = join(temp.dir, 'induction.mp4');
    writeFileSync(video, Buffer.alloc(256 * 1024 * 1024, 7));
    const { handlers } = createCore({
      dataDir: temp.dir,
      kdf: 'minimum',
      dialogs: {
        chooseFolder: () => Promise.resolve(temp.dir),
        chooseFile: () => Promise.resolve(video),
        chooseSaveFile: () => Promise.resolve(null),
        showInFolder: () => Promise.resolve(),
      },
    });
    const parent = (await handlers['custodian:vault.chooseLocation']({ purpose: 'create' })).location?.token ?? '';
    await handlers['custodian:vault.create']({ location: parent, name: 'Acme', user: ADMIN, passphrase: ADMIN_PASSPHRASE });
    const file = (await handlers['custodian:evidence.chooseFile']({})).file?.token ?? '';
    const { jobId } = await handlers['custodian:evidence.add']({ file });
    expect((await handlers['custodian:evidence.addStatus']({ jobId })).state).toBe('running');

    await handlers['custodian:vault.lock']({});
    const vault = (await handlers['custodian:vault.recent']({})).vaults[0]?.token ?? '';
    await handlers['custodian:vault.unlock']({ location: vault, user: ADMIN, passphrase: ADMIN_PASSPHRASE });
    await expect((async () => handlers['custodian:evidence.addStatus']({ jobId }))()).rejects.toMatchObject({ code: 'not_found' });
    // Not refused as "another file is still being added": the abandoned add no longer counts.
    const again = await handlers['custodian:evidence.add']({ file });
    await handlers['custodian:evidence.addCancel']({ jobId: again.jobId });
    for (;;) {
      const status = await handlers['custodian:evidence.addStatus']({ jobId: again.jobId });
      if (status.state !== 'running') break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await handlers['custodian:vault.lock']({});
    // Neither add left a blob or a temporary file behind.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(filesUnder(join(temp.dir, 'Acme.custodian', 'blobs'))).toEqual([]);
  });
});
