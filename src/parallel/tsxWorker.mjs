// The worker entry when the library runs from its TypeScript sources (vitest, tsx): registers
// tsx's loader in this thread (Node 20 does not pass a parent's --import hooks to workers), then
// loads src/worker.ts. The built package starts dist/worker.js directly.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
