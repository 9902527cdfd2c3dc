import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

/** The policy core enforces and the UI meter shows: at least 12 characters and zxcvbn score 3. */
export const MIN_PASSPHRASE_LENGTH = 12;
export const MIN_PASSPHRASE_SCORE = 3;

export interface PassphraseStrength {
  /** 0 (trivial) to 4 (strong), from zxcvbn. */
  score: 0 | 1 | 2 | 3 | 4;
  acceptable: boolean;
  /** What to do about it, for the user; empty when acceptable. */
  feedback: string;
}

let factory: ZxcvbnFactory | undefined;

function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...english.dictionary },
    graphs: common.adjacencyGraphs,
    translations: english.translations,
  });
  return factory;
}

/**
 * Rates a passphrase. `context` lists words that make it guessable here (user name, vault
 * name, organisation), which zxcvbn then treats as dictionary words.
 */
export function ratePassphrase(passphrase: string, context: readonly string[] = []): PassphraseStrength {
  const result = zxcvbn().check(passphrase.slice(0, 256), [...context]);
  const score = result.score;
  if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
    return { score, acceptable: false, feedback: `Use at least ${String(MIN_PASSPHRASE_LENGTH)} characters; several unrelated words work well.` };
  }
  if (score < MIN_PASSPHRASE_SCORE) {
    const hint = result.feedback.warning ?? result.feedback.suggestions[0] ?? 'Add more unrelated words.';
    return { score, acceptable: false, feedback: `Too easy to guess. ${hint}`.trim() };
  }
  return { score, acceptable: true, feedback: '' };
}
