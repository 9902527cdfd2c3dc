/** Bytes as the builder and auditor mode show them: "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${String(bytes)} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export const PHASE_LABELS = {
  reading: 'Reading the vault',
  report: 'Writing the report',
  workbook: 'Writing the workbook',
  evidence: 'Decrypting evidence into the packet',
  signing: 'Signing',
  recording: 'Recording the build in the audit log',
} as const;
