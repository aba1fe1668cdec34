/**
 * Worker thread of issueBatch: builds its own Issuer from the session's
 * certificate and a signer of its own (the PKCS #8, or its own session with
 * the token; worker threads share the process, so the key never leaves it) and issues the chunks of requests it is sent.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { issueOne } from './batch-issuance-item.ts';
import type { BatchSettings, ChunkRequest, ChunkResult } from './batch-issuance-item.ts';
import { createIssuer } from './issuer.ts';
import type { IssuerInit } from './issuer.ts';
import type { SignerSpec } from '../signing/signer.ts';
import { openSigner } from '../token/pkcs11-signer.ts';

const { init, signerSpec, settings } = workerData as { init: Omit<IssuerInit, 'privateKey'>; signerSpec: SignerSpec; settings: BatchSettings };
const issuer = createIssuer({ ...init, privateKey: openSigner(signerSpec) });
// A PKCS #8 handed over as bytes is this thread's own copy (structured clone): the Issuer holds the imported key now.
if (signerSpec.kind === 'software') signerSpec.pkcs8.fill(0);
const port = parentPort;
if (!port) throw new Error('batch-issuance-worker.ts runs as a worker thread');

port.on('message', (chunk: ChunkRequest) => {
  const result: ChunkResult = { index: chunk.index, outcomes: chunk.items.map((item) => issueOne(issuer, item, settings)) };
  port.postMessage(result);
});
