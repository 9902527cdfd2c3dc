import { readFile } from 'node:fs/promises';
import { custodianError } from './errors';

/**
 * Reads a line from the terminal without echoing it. Only when stdin is a TTY; scripts use the
 * environment variable or a file instead.
 */
async function promptHidden(prompt: string): Promise<Buffer> {
  const stdin = process.stdin;
  if (!stdin.isTTY) {
    throw await custodianError('validation_failed', 'no passphrase given: set CUSTODIAN_PASSPHRASE, use --passphrase-file, or run in a terminal');
  }
  // Loaded now: Ctrl-C below rejects from a synchronous data handler.
  const { CustodianError } = await import('../shared/errors');
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  const bytes: number[] = [];
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const byte of chunk) {
          if (byte === 3) {
            reject(new CustodianError('validation_failed', 'cancelled'));
            return;
          }
          if (byte === 13 || byte === 10) {
            stdin.off('data', onData);
            resolve(Buffer.from(bytes));
            return;
          }
          if (byte === 127 || byte === 8) bytes.pop();
          else bytes.push(byte);
        }
      };
      stdin.on('data', onData);
    });
  } finally {
    bytes.fill(0);
    stdin.setRawMode(false);
    stdin.pause();
    process.stderr.write('\n');
  }
}

async function fromFile(file: string): Promise<Buffer> {
  const content = await readFile(file).catch(async () => {
    throw await custodianError('validation_failed', `cannot read passphrase file ${file}`);
  });
  let end = content.length;
  while (end > 0 && (content[end - 1] === 10 || content[end - 1] === 13)) end--;
  return content.subarray(0, end);
}

/** The unlocking passphrase: CUSTODIAN_PASSPHRASE, --passphrase-file, or a prompt. */
export async function readPassphrase(file: string | undefined, prompt = 'Passphrase: '): Promise<Buffer> {
  if (file) return fromFile(file);
  const env = process.env.CUSTODIAN_PASSPHRASE;
  if (env !== undefined && env !== '') return Buffer.from(env);
  return promptHidden(prompt);
}

/** A new passphrase: CUSTODIAN_NEW_PASSPHRASE, --new-passphrase-file, or a prompt asked twice. */
export async function readNewPassphrase(file: string | undefined, prompt = 'New passphrase: '): Promise<Buffer> {
  if (file) return fromFile(file);
  const env = process.env.CUSTODIAN_NEW_PASSPHRASE;
  if (env !== undefined && env !== '') return Buffer.from(env);
  const first = await promptHidden(prompt);
  const second = await promptHidden('Repeat it: ');
  if (!first.equals(second)) throw await custodianError('validation_failed', 'the two passphrases differ');
  second.fill(0);
  return first;
}
