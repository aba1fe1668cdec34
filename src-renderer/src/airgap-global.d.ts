import type { AirgapBridge } from '../../src-main/api/contract.ts';

// The bridge type is declared once, in the contract; the preload builds it and the page reads it here.
declare global {
  interface Window {
    readonly airgap: AirgapBridge;
  }
}
