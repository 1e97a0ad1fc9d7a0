/**
 * The workspace AccessKey scan's worker thread (bundled as dist/accessKeyScanWorker.js): runs the
 * job it is started with and posts progress, then the findings. See scanInWorker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runScanJob, type ScanJob, type WorkerMessage } from './accessKeyWorkspace';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

runScanJob(workerData as ScanJob, (done, total) => post({ type: 'progress', done, total })).then(
  (r) => post({ type: 'done', ...r }),
  (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
);
