// Following a background job (GET /api/v1/jobs/{id}) until it ends: bulk actions past the
// inline limit, imports and exports answer 202 with a job id, and the UI shows its progress
// (the job's `progress` object: done and total by convention) until it succeeds or fails.
import { api } from '../../api/client';
import type { Job } from '../../api/generated/schema';

export type JobProgress = { done: number; total: number; progress: Record<string, unknown> };

const POLL_MS = 400;

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

// Resolves with the job once it succeeded; rejects with its error when it failed or was
// canceled, or with an AbortError when `signal` aborts (the job itself keeps running).
export async function waitForJob(id: string, onProgress: (p: JobProgress) => void, signal?: AbortSignal): Promise<Job> {
  for (;;) {
    const job = await api('get', '/api/v1/jobs/{id}', { path: { id }, signal });
    const progress = job.progress ?? {};
    onProgress({ done: num(progress.done), total: num(progress.total), progress });
    if (job.state === 'succeeded') return job;
    if (job.state === 'failed') throw new Error(job.error ? `The job failed: ${job.error}` : 'The job failed');
    if (job.state === 'canceled') throw new Error('The job was canceled');
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, POLL_MS);
      signal?.addEventListener('abort', () => {
        clearTimeout(t);
        reject(new DOMException('aborted', 'AbortError'));
      }, { once: true });
    });
  }
}
