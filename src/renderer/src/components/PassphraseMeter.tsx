import { Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { ratePassphrase } from '../../../shared/passphraseStrength';

const LABELS = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'] as const;
const COLORS = ['red', 'red', 'orange', 'teal', 'green'] as const;

/** The same rule core enforces, shown as the user types. */
export function PassphraseMeter({ passphrase, context }: { passphrase: string; context: string[] }) {
  const strength = useMemo(() => ratePassphrase(passphrase, context), [passphrase, context]);
  if (!passphrase) {
    return (
      <Text size="xs" c="gray.7">
        At least 12 characters. Several unrelated words are easy to remember and hard to guess.
      </Text>
    );
  }
  return (
    <Stack gap={4}>
      <Progress
        value={(strength.score + 1) * 20}
        color={strength.acceptable ? COLORS[strength.score] : 'red'}
        size="sm"
        aria-label={`Passphrase strength: ${LABELS[strength.score]}`}
      />
      <Text size="xs" c={strength.acceptable ? 'teal.9' : 'red.9'} data-testid="passphrase-feedback">
        {LABELS[strength.score]}
        {strength.acceptable ? '' : `: ${strength.feedback}`}
      </Text>
    </Stack>
  );
}
