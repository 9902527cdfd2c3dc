import { useQuery } from '@tanstack/react-query';
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
