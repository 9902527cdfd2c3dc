import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from './call';

export function useAppInfo() {
  return useQuery({
    queryKey: ['app.info'],
    queryFn: () => call(window.custodian.app.info()),
    staleTime: Infinity,
  });
}

export function useSelfTest() {
  return useQuery({
    queryKey: ['diagnostics.selfTest'],
    queryFn: () => call(window.custodian.diagnostics.selfTest()),
    staleTime: Infinity,
  });
}

/** Polled, so an auto-lock (idle timer, OS lock, suspend) reaches the UI within seconds. */
export function useVaultStatus() {
  return useQuery({
    queryKey: ['vault.status'],
    queryFn: () => call(window.custodian.vault.status()),
    refetchInterval: 3000,
  });
}

export function useRecentVaults() {
  return useQuery({
    queryKey: ['vault.recent'],
    queryFn: () => call(window.custodian.vault.recent()),
  });
}

export function useLockVault() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(window.custodian.vault.lock()),
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: ['vault.status'] });
    },
  });
}
