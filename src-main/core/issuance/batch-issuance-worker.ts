/**
 * Worker thread of the issuance pool (issuance-pool.ts). Started before it is
 * needed, it loads its modules and waits: a `setup` message names the issuer,
 * and the worker builds its own Issuer from the session's certificate and a
 * signer of its own (the PKCS #8, or its own session with the token; worker
 * threads share the process, so the key never leaves it); `issue` chunks are
 * then issued with it. `check-renewals` chunks run the vault-free checks of
 * renewal requests (renewal-precheck.ts) and need no issuer.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { issueOne } from './batch-issuance-item.ts';
import type { BatchSettings, ChunkResult, WorkerRequest } from './batch-issuance-item.ts';
import { createIssuer, type Issuer } from './issuer.ts';
import type { precheckRenewal as PrecheckRenewal } from './renewal-precheck.ts';
import { openSigner } from '../token/pkcs11-signer.ts';

const port = parentPort;
if (!port) throw new Error('batch-issuance-worker.ts runs as a worker thread');

let current: { issuer: Issuer; settings: BatchSettings } | null = null;
let renewalCheck: Promise<typeof PrecheckRenewal> | null = null;
/** Where answers go while the pool's thread waits for them without its event loop (IssuancePool.runBlocking). */
let reply: { port: MessagePort; signal: Int32Array } | null = null;

function answer(result: unknown): void {
  if (!reply) {
    port?.postMessage(result);
    return;
  }
  reply.port.postMessage(result);
  Atomics.add(reply.signal, 0, 1);
  Atomics.notify(reply.signal, 0);
}

// A worker that stops (an uncaught error) tells a waiting pool thread so: it never waits for this worker's answer.
process.on('exit', () => {
  if (!reply) return;
  Atomics.store(reply.signal, 1, 1);
  Atomics.add(reply.signal, 0, 1);
  Atomics.notify(reply.signal, 0);
});

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
      answer(result);
      return;
    }
    case 'reply-to': {
      reply?.port.close();
      reply = m.port && m.signal ? { port: m.port, signal: new Int32Array(m.signal) } : null;
      return;
    }
    case 'check-renewals': {
      // The CMS parser (and the ASN.1 library under it) is loaded by the first renewal chunk, not by every
      // worker of every batch. Chunks of one run answer in order: each waits for the same import.
      const { items, index } = m;
      renewalCheck ??= import('./renewal-precheck.ts').then((mod) => mod.precheckRenewal);
      void renewalCheck.then((check) => answer({ index, outcomes: items.map((bytes) => check(bytes)) }));
      return;
    }
  }
});

// Loaded and listening (IssuancePool.ready).
port.postMessage({ kind: 'ready' });
