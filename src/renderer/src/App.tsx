import { Center, Loader } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useVaultStatus } from './ipc/queries';
import { AuditorMode } from './auditor/AuditorMode';
import { RecoveryKeyScreen } from './screens/RecoveryKeyScreen';
import type { RecoverySheet } from './screens/RecoveryKeyScreen';
import { VaultHome } from './screens/VaultHome';
import { WelcomeScreen } from './screens/WelcomeScreen';

const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel'] as const;

/** Tells core the officer is present (at most every 20 s), postponing auto-lock. */
function useActivityHeartbeat(enabled: boolean) {
  const last = useRef(0);
  useEffect(() => {
    if (!enabled) return;
    const onActivity = () => {
      const now = Date.now();
      if (now - last.current < 20_000) return;
      last.current = now;
      void window.custodian.vault.touch();
    };
    for (const event of ACTIVITY_EVENTS) window.addEventListener(event, onActivity, { passive: true });
    return () => {
      for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, onActivity);
    };
  }, [enabled]);
}

export function App() {
  const status = useVaultStatus();
  const client = useQueryClient();
  const [sheet, setSheet] = useState<RecoverySheet | null>(null);
  const [auditing, setAuditing] = useState<{ token: string; displayName: string } | null>(null);
  const unlocked = status.data?.unlocked ?? null;
  useActivityHeartbeat(unlocked !== null);

  // Locked (by the button, the idle timer or the OS): drop every cached answer about the vault.
  const wasUnlocked = useRef(false);
  useEffect(() => {
    if (wasUnlocked.current && !unlocked) {
      client.removeQueries({ predicate: (query) => !['vault.status', 'vault.recent', 'app.info', 'diagnostics.selfTest'].includes(String(query.queryKey[0])) });
      void client.invalidateQueries({ queryKey: ['vault.recent'] });
      setSheet(null);
    }
    wasUnlocked.current = unlocked !== null;
  }, [unlocked, client]);

  if (status.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (sheet && unlocked) return <RecoveryKeyScreen sheet={sheet} onDone={() => setSheet(null)} />;
  if (auditing && !unlocked) return <AuditorMode key={auditing.token} packet={auditing} onClose={() => setAuditing(null)} />;
  if (unlocked) return <VaultHome key={unlocked.vaultId} vault={unlocked} autoLockMinutes={status.data?.autoLockMinutes ?? 10} />;
  return (
    <WelcomeScreen
      onAuditPacket={setAuditing}
      onCreated={(created) => {
        setSheet(created);
        void client.invalidateQueries({ queryKey: ['vault.status'] });
      }}
    />
  );
}
