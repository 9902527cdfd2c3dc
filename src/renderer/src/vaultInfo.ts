import type { ChannelOutput } from '../../shared/ipc/contract';

export type VaultInfoView = ChannelOutput<'custodian:vault.unlock'>;
