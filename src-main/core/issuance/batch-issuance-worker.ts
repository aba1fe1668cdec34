/**
 * Worker thread of the issuance pool (issuance-pool.ts). Started before it is
 * needed, it loads its modules and waits: a `setup` message names the issuer,
 * and the worker builds its own Issuer from the session's certificate and a
 * signer of its own (the PKCS #8, or its own session with the token; worker
 * threads share the process, so the key never leaves it); `issue` chunks are
 * then issued with it. `check-renewals` chunks run the vault-free checks of
 * renewal requests (renewal-precheck.ts) and need no issuer.
 */
import { parentPort } from 'node:worker_threads';
import { issueOne } from './batch-issuance-item.ts';
import type { BatchSettings, ChunkResult, WorkerRequest } from './batch-issuance-item.ts';
import { createIssuer, type Issuer } from './issuer.ts';
import type { precheckRenewal as PrecheckRenewal } from './renewal-precheck.ts';
import { openSigner } from '../token/pkcs11-signer.ts';

const port = parentPort;
if (!port) throw new Error('batch-issuance-worker.ts runs as a worker thread');

let current: { issuer: Issuer; settings: BatchSettings } | null = null;
let renewalCheck: Promise<typeof PrecheckRenewal> | null = null;

port.on('message', (m: WorkerRequest) => {
  switch (m.kind) {
    case 'setup': {
      current?.issuer.signer.close();
      current = { issuer: createIssuer({ ...m.init, privateKey: openSigner(m.signerSpec) }), settings: m.settings };
      // A PKCS #8 handed over as bytes is this thread's own copy (structured clone): the Issuer holds the imported key now.
      if (m.signerSpec.kind === 'software') m.signerSpec.pkcs8.fill(0);
      return;
    }
    case 'issue': {
      if (!current) throw new Error('an issue chunk reached a worker before its setup');
      const { issuer, settings } = current;
      const result: ChunkResult = { index: m.index, outcomes: m.items.map((item) => issueOne(issuer, item, settings)) };
      port.postMessage(result);
      return;
    }
    case 'check-renewals': {
      // The CMS parser (and the ASN.1 library under it) is loaded by the first renewal chunk, not by every
      // worker of every batch. Chunks of one run answer in order: each waits for the same import.
      const { items, index } = m;
      renewalCheck ??= import('./renewal-precheck.ts').then((mod) => mod.precheckRenewal);
      void renewalCheck.then((check) => port.postMessage({ index, outcomes: items.map((bytes) => check(bytes)) }));
      return;
    }
  }
});
