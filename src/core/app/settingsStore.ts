import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fs/atomicWrite';

// The app's own settings (not a vault's): recent vault folders, the auto-lock delay, and the
// genesis fingerprint of each vault this computer created or was given (an anchor kept outside
// the vault: a rewrite of a vault's audit log by someone holding its key shows against it).
// Plaintext by necessity (read before any vault is unlocked); holds paths and names of vault
// folders and public-key fingerprints, never record data or keys.

const settingsSchema = z.object({
  autoLockMinutes: z.number().int().min(1).max(240).default(10),
  recent: z
    .array(z.object({ path: z.string(), name: z.string(), lastUser: z.string().nullable(), openedAt: z.string() }))
    .max(20)
    .default([]),
  /** Vault id -> `SHA256:...` of its audit log's genesis key. */
  anchors: z.record(z.string(), z.string()).default({}),
});

export type Settings = z.infer<typeof settingsSchema>;
export const DEFAULT_SETTINGS: Settings = { autoLockMinutes: 10, recent: [], anchors: {} };

export class SettingsStore {
  constructor(private readonly dataDir: string) {}

  private get file(): string {
    return join(this.dataDir, 'settings.json');
  }

  async load(): Promise<Settings> {
    try {
      const parsed = settingsSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')));
      return parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
    } catch {
      return { ...DEFAULT_SETTINGS, recent: [], anchors: {} };
    }
  }

  async save(settings: Settings): Promise<void> {
    // The app's data folder may not exist yet on a first run (Electron makes userData lazily).
    await mkdir(this.dataDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify(settings, null, 2));
  }

  async update(change: (settings: Settings) => Settings): Promise<Settings> {
    const next = change(await this.load());
    await this.save(next);
    return next;
  }
}
