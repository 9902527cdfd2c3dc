import { NO_ELECTRON_REASON, electronBinary } from './electronBinary';

export default function globalSetup(): void {
  if (!electronBinary()) console.log(NO_ELECTRON_REASON);
}
