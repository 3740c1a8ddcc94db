// Lets piscina run worker-entry.ts where nothing compiled it (vitest, tsx): vitest's transform does not
// reach worker threads, so the worker registers tsx itself (stack-notes §4). Production uses dist/*.js.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const mod = await import(workerData.tsFile);
export default mod.default;
