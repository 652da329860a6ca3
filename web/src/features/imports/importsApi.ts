// The imports API (issue 6: POST /api/v1/imports and friends, src/api/openapi/imports.json) as
// the wizard uses it. The routes are called through untypedApi with the types below until the
// fragment is part of every build (hasRoute('post', '/api/v1/imports') tells the UI whether
// this server has them); the upload goes through XHR for its progress events.
import { ApiError, csrfHeaders, hasRoute, untypedApi } from '../../api/client';

export type ImportCounts = { rows_read: number; created: number; updated: number; skipped: number; merged: number; rejected: number };
export type ImportState = 'uploaded' | 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | 'reverted';
export type Import = {
  id: string;
  state: ImportState;
  file: { name: string; size: number; format: 'csv' | 'xlsx' };
  detected: Record<string, unknown>;
  counts: ImportCounts;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  revert: Record<string, unknown> | null;
  progress?: Record<string, unknown> | null;
};
export type MappingEntry = { column: number; header: string; field: string | null };
export type Preview = {
  import_id: string;
  detected: Record<string, unknown>;
  rows: Array<{ row: number; cells: string[]; error?: string }>;
  suggested_mapping: MappingEntry[];
  mapping: MappingEntry[];
  fields: Array<{ key: string; label: string; multi: boolean }>;
};
export type ImportOptions = {
  mapping?: Array<string | null>;
  mode?: 'create_and_update' | 'create_only' | 'update_only';
  // "email" (the default) or "custom.<key>" of a unique custom field, which a column must map to.
  match_on?: string;
  clear_empty?: boolean;
  allow_stage_regression?: boolean;
  tags?: string[];
};
export type RejectedExample = { row: number; column?: string; reason: string };
export type ImportReport = {
  counts: ImportCounts;
  changes: Record<string, number>;
  examples: Record<string, unknown>;
  mapping: Record<string, string>;
};
export type RevertResult = { deleted: number; restored: number; conflicts: Array<{ contact_id: string; field: string; reason: string }> };

export const importsAvailable = () => hasRoute('post', '/api/v1/imports');

const path = (id: string, rest = '') => `/api/v1/imports/${encodeURIComponent(id)}${rest}`;
export const getImport = (id: string, signal?: AbortSignal) => untypedApi<Import>('get', path(id), { signal });
export const listImports = (signal?: AbortSignal) => untypedApi<{ data: Import[] }>('get', '/api/v1/imports', { query: { limit: 20 }, signal });
export const preview = (id: string, options: ImportOptions = {}) => untypedApi<Preview>('post', path(id, '/preview'), { body: options });
export const dryRun = (id: string, options: ImportOptions) => untypedApi<ImportReport>('post', path(id, '/dry-run'), { body: options });
export const start = (id: string, options: ImportOptions) => untypedApi<Import>('post', path(id, '/start'), { body: options });
export const cancel = (id: string) => untypedApi<Import>('post', path(id, '/cancel'));
export const revert = (id: string) => untypedApi<RevertResult>('post', path(id, '/revert'));
export const errorsUrl = (id: string) => path(id, '/errors.csv');

// Uploads `file` as the raw body (the server streams it to disk); resolves with the import.
export function upload(file: File, onProgress: (sent: number, total: number) => void): Promise<Import> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/imports?file_name=${encodeURIComponent(file.name)}`);
    xhr.setRequestHeader('Content-Type', file.name.toLowerCase().endsWith('.xlsx') ? 'application/octet-stream' : 'text/csv');
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [k, v] of Object.entries(csrfHeaders())) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The upload failed. Check your connection and try again.'));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(json as Import);
      const err = (json as { error?: { code?: string; message?: string; details?: [] } } | undefined)?.error;
      reject(new ApiError(xhr.status, err?.code ?? `http_${xhr.status}`, err?.message ?? `${xhr.status} ${xhr.statusText}`, err?.details ?? []));
    };
    xhr.send(file);
  });
}

export function rejectedExamples(report: ImportReport): RejectedExample[] {
  const r = report.examples.rejected;
  return Array.isArray(r) ? (r as RejectedExample[]) : [];
}
