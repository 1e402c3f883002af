/**
 * The entry of a causal-panel worker thread (`dist/worker.js` / `dist/worker.cjs`; the pool of
 * `createWorkerPool` starts it, a user never imports it): registers the kernels of the parallel
 * replicate loops and waits for tasks (see src/parallel/pool.ts and docs/parallel.md).
 */
import { serveKernels } from './parallel/pool.js';
import { multiplierBootstrapKernel } from './inference/bootstrap.js';
import { wildBootstrapTKernel, wildBootstrapWaldKernel } from './inference/wildBootstrapDraws.js';
import { mediationBootstrapKernel } from './estimators/mediation/bootstrap.js';
import { matchStrataKernel } from './estimators/matching/strataMatch.js';

serveKernels({
  multiplierBootstrap: multiplierBootstrapKernel,
  wildBootstrapT: wildBootstrapTKernel,
  wildBootstrapWald: wildBootstrapWaldKernel,
  mediationBootstrap: mediationBootstrapKernel,
  matchitStrata: matchStrataKernel,
});
