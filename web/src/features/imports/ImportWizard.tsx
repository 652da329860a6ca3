// Settings -> Import Data (issue 6): the template, then upload (with progress) -> preview and
// column mapping (the server's suggestion preselected) -> options -> dry run -> the import job
// with a live progress bar -> a summary with the rejected rows' file; below, the history of
// imports with revert. Every decision (mapping validity, dedupe, what a row does) is the
// server's: the wizard shows what the API answers.
import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api/client';
import { ErrorState, EmptyState, LoadingState, Spinner, useAsync } from '../../ui/components';
import { formatCount, relativeTime } from '../../ui/format';
import * as imports from './importsApi';
import type { Import, ImportOptions, ImportReport, Preview } from './importsApi';

type Step =
  | { at: 'upload' }
  | { at: 'map'; imp: Import; preview: Preview }
  | { at: 'run'; imp: Import }
  | { at: 'done'; imp: Import };

const TERMINAL = new Set(['succeeded', 'failed', 'canceled', 'reverted']);

export function ImportWizard() {
  const [step, setStep] = useState<Step>({ at: 'upload' });
  const [historyTick, setHistoryTick] = useState(0);
  if (!imports.importsAvailable()) {
    return <EmptyState title="Imports are not available">This server does not offer the imports API yet.</EmptyState>;
  }
  return (
    <>
      <section className="form-section" aria-labelledby="import-title">
        <div className="row" style={{ marginBottom: 12 }}>
          <h2 id="import-title" style={{ margin: 0, flex: 1 }}>Import contacts from CSV or Excel</h2>
          <span className="subtle">Template:</span>
          <a className="btn small" href="/api/v1/imports/template.csv" download data-testid="template-csv">CSV</a>
          <a className="btn small" href="/api/v1/imports/template.xlsx" download>Excel</a>
        </div>
        <ol className="steps" aria-label="Import steps">
          {(['upload', 'map', 'run', 'done'] as const).map((s, i) => (
            <li key={s} className={s === step.at ? 'current' : ''}>{i + 1}. {{ upload: 'Upload', map: 'Map and check', run: 'Import', done: 'Summary' }[s]}</li>
          ))}
        </ol>
        {step.at === 'upload' && <UploadStep onUploaded={(imp, preview) => setStep({ at: 'map', imp, preview })} />}
        {step.at === 'map' && <MapStep imp={step.imp} preview={step.preview} onStarted={(imp) => setStep({ at: 'run', imp })} onCancel={() => setStep({ at: 'upload' })} />}
        {step.at === 'run' && <RunStep imp={step.imp} onDone={(imp) => { setStep({ at: 'done', imp }); setHistoryTick((t) => t + 1); }} />}
        {step.at === 'done' && <Summary imp={step.imp} onAgain={() => setStep({ at: 'upload' })} />}
      </section>
      <History tick={historyTick} />
    </>
  );
}

function UploadStep({ onUploaded }: { onUploaded: (imp: Import, preview: Preview) => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<[number, number] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    if (!file) return;
    setError(null);
    setSent([0, file.size]);
    try {
      const imp = await imports.upload(file, (a, b) => setSent([a, b]));
      onUploaded(imp, await imports.preview(imp.id));
    } catch (e) {
      setError(errorMessage(e));
      setSent(null);
    }
  };
  return (
    <div className="field-stack">
      <div className="field">
        <label htmlFor="import-file">File to import (.csv or .xlsx)</label>
        <input id="import-file" type="file" accept=".csv,.txt,.tsv,.xlsx,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      </div>
      {sent && (
        <div className="progress-line" data-testid="upload-progress">
          <progress value={sent[0]} max={sent[1] || 1} aria-label="Upload progress" />
          <span>{formatBytes(sent[0])} of {formatBytes(sent[1])}</span>
        </div>
      )}
      {error && <div className="alert" role="alert">{error}</div>}
      <div className="form-actions"><button className="btn primary" disabled={!file || sent !== null} onClick={() => void go()}>Upload and preview</button></div>
    </div>
  );
}

function MapStep({ imp, preview, onStarted, onCancel }: { imp: Import; preview: Preview; onStarted: (imp: Import) => void; onCancel: () => void }) {
  const [mapping, setMapping] = useState<Array<string | null>>(() => preview.mapping.map((m) => m.field));
  const [mode, setMode] = useState<NonNullable<ImportOptions['mode']>>('create_and_update');
  const [matchOn, setMatchOn] = useState('email');
  // Rows match on the email, or on a unique custom field (a customer id from another system).
  const customFields = useAsync(() => api('get', '/api/v1/custom-fields'), []);
  const uniqueFields = (customFields.data?.data ?? []).filter((f) => f.unique);
  const [tags, setTags] = useState('');
  const [clearEmpty, setClearEmpty] = useState(false);
  const [regress, setRegress] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState<'dry' | 'start' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const options = (): ImportOptions => ({
    mapping, mode, match_on: matchOn, clear_empty: clearEmpty, allow_stage_regression: regress,
    tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
  });
  // Any change makes the last dry run stale.
  useEffect(() => setReport(null), [mapping, mode, matchOn, tags, clearEmpty, regress]);
  const run = async (what: 'dry' | 'start') => {
    setBusy(what);
    setError(null);
    try {
      if (what === 'dry') setReport(await imports.dryRun(imp.id, options()));
      else onStarted(await imports.start(imp.id, options()));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };
  const d = preview.detected;
  const suggested = (i: number) => preview.suggested_mapping[i]?.field ?? null;
  return (
    <div className="field-stack">
      <div className="subtle" data-testid="detected">
        {imp.file.name} · {String(d.format ?? imp.file.format).toUpperCase()}
        {d.encoding ? ` · ${String(d.encoding)}` : ''}{d.delimiter ? ` · delimiter “${String(d.delimiter) === '\t' ? 'tab' : String(d.delimiter)}”` : ''}
        {d.header_row !== undefined ? ` · header on row ${String(d.header_row)}` : ''}
      </div>
      <div className="list-wrap" style={{ overflow: 'auto' }}>
        <table className="list" aria-label="Column mapping">
          <thead><tr><th>Column in the file</th><th>First values</th><th>Maps to</th></tr></thead>
          <tbody>
            {preview.mapping.map((m, i) => (
              <tr key={m.column}>
                <td><strong>{m.header || `Column ${m.column + 1}`}</strong></td>
                <td className="subtle">{preview.rows.slice(0, 3).map((r) => r.cells[i] ?? '').filter(Boolean).join(' · ') || '—'}</td>
                <td>
                  <select className="input" aria-label={`Field for ${m.header}`} value={mapping[i] ?? ''} onChange={(e) => {
                    const next = [...mapping];
                    next[i] = e.target.value || null;
                    setMapping(next);
                  }}>
                    <option value="">Ignore this column</option>
                    {preview.fields.map((f) => <option key={f.key} value={f.key}>{f.label}{f.key === suggested(i) ? ' (suggested)' : ''}</option>)}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <fieldset className="form-grid plain">
        <legend className="sr-only">Options</legend>
        <div className="field">
          <label htmlFor="import-match-on">Match rows to existing contacts by</label>
          <select id="import-match-on" className="input" value={matchOn} onChange={(e) => setMatchOn(e.target.value)}>
            <option value="email">Email</option>
            {uniqueFields.map((f) => <option key={f.key} value={`custom.${f.key ?? ''}`}>{f.label || f.key} (unique)</option>)}
          </select>
          {matchOn !== 'email' && !mapping.includes(matchOn) && (
            <div className="field-error" role="alert">Map a column to this field to match on it.</div>
          )}
        </div>
        <div className="field">
          <label htmlFor="import-mode">Existing contacts</label>
          <select id="import-mode" className="input" value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <option value="create_and_update">Create new and update existing</option>
            <option value="create_only">Only create new contacts</option>
            <option value="update_only">Only update existing contacts</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="import-tags">Tags for every imported contact</label>
          <input id="import-tags" className="input" value={tags} onChange={(e) => setTags(e.target.value)} placeholder="e.g. webinar-2026, imported" />
        </div>
        <label className="checkbox"><input type="checkbox" checked={clearEmpty} onChange={(e) => setClearEmpty(e.target.checked)} /> Empty cells clear the stored value</label>
        <label className="checkbox"><input type="checkbox" checked={regress} onChange={(e) => setRegress(e.target.checked)} /> Let lifecycle stages move backwards</label>
      </fieldset>
      {error && <div className="alert" role="alert">{error}</div>}
      {report && <DryRunReport report={report} />}
      <div className="form-actions">
        <button className="btn ghost" onClick={onCancel}>Choose another file</button>
        <button className="btn" onClick={() => void run('dry')} disabled={busy !== null}>{busy === 'dry' ? <Spinner label="Checking" /> : null}Dry run</button>
        <button className="btn primary" onClick={() => void run('start')} disabled={busy !== null}>{busy === 'start' ? <Spinner label="Starting" /> : null}Start import</button>
      </div>
    </div>
  );
}

function Counts({ c, testId }: { c: imports.ImportCounts; testId: string }) {
  const items: Array<[string, number]> = [['created', c.created], ['updated', c.updated], ['skipped', c.skipped], ['merged in the file', c.merged], ['rejected', c.rejected]];
  return (
    <dl className="counts" data-testid={testId}>
      {items.map(([k, v]) => <div key={k} className={k === 'rejected' && v > 0 ? 'bad' : ''}><dt>{k}</dt><dd>{formatCount(v)}</dd></div>)}
    </dl>
  );
}

function DryRunReport({ report }: { report: ImportReport }) {
  const rejected = imports.rejectedExamples(report);
  const changes = Object.entries(report.changes);
  return (
    <div className="card" data-testid="dry-run">
      <h3>Dry run: nothing was written</h3>
      <Counts c={report.counts} testId="dry-run-counts" />
      {changes.length > 0 && <div className="subtle">Updates would change: {changes.map(([f, n]) => `${f} (${formatCount(n)})`).join(', ')}</div>}
      {rejected.length > 0 && (
        <table className="list" aria-label="Rejected rows">
          <thead><tr><th>Row</th><th>Column</th><th>Reason</th></tr></thead>
          <tbody>{rejected.map((r) => <tr key={`${r.row}-${r.column ?? ''}`}><td>{r.row}</td><td>{r.column || '—'}</td><td>{r.reason}</td></tr>)}</tbody>
        </table>
      )}
    </div>
  );
}

function RunStep({ imp, onDone }: { imp: Import; onDone: (imp: Import) => void }) {
  const [current, setCurrent] = useState(imp);
  const [error, setError] = useState<string | null>(null);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => {
    const ctrl = new AbortController();
    const tick = async () => {
      try {
        const x = await imports.getImport(imp.id, ctrl.signal);
        setCurrent(x);
        if (TERMINAL.has(x.state)) return done.current(x);
      } catch (e) {
        if (ctrl.signal.aborted) return;
        setError(errorMessage(e));
      }
      if (!ctrl.signal.aborted) setTimeout(() => void tick(), 400);
    };
    void tick();
    return () => ctrl.abort();
  }, [imp.id]);
  const p = current.progress ?? {};
  const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : 0);
  const counts = (p.counts as imports.ImportCounts | undefined) ?? current.counts;
  const total = num('bytes_total');
  return (
    <div className="field-stack" data-testid="import-running">
      <div className="progress-line">
        <progress value={total > 0 ? num('bytes_read') : undefined} max={total || undefined} aria-label="Import progress" />
        <span>{formatCount(counts.rows_read)} rows read{num('rate_rows_per_s') > 0 ? ` · ${formatCount(Math.round(num('rate_rows_per_s')))} rows/s` : ''}{num('eta_s') > 0 ? ` · about ${Math.ceil(num('eta_s'))} s left` : ''}</span>
      </div>
      <Counts c={counts} testId="live-counts" />
      {error && <div className="alert" role="alert">{error}</div>}
      <div className="form-actions"><button className="btn danger" onClick={() => void imports.cancel(imp.id).catch((e: unknown) => setError(errorMessage(e)))}>Cancel import</button></div>
    </div>
  );
}

function Summary({ imp, onAgain }: { imp: Import; onAgain: () => void }) {
  return (
    <div className="field-stack" data-testid="import-summary">
      <div className={`alert${imp.state === 'succeeded' ? ' ok' : ''}`} role="status">
        Import #{imp.id} of {imp.file.name} {imp.state === 'succeeded' ? 'finished' : imp.state}{imp.error ? `: ${imp.error}` : ''}.
      </div>
      <Counts c={imp.counts} testId="summary-counts" />
      {imp.counts.rejected > 0 && (
        <div><a className="btn" href={imports.errorsUrl(imp.id)} download data-testid="errors-file">Download the {formatCount(imp.counts.rejected)} rejected rows (CSV with an error column)</a></div>
      )}
      <div className="form-actions"><button className="btn primary" onClick={onAgain}>Import another file</button></div>
    </div>
  );
}

function History({ tick }: { tick: number }) {
  const list = useAsync((signal) => imports.listImports(signal), [tick]);
  const [message, setMessage] = useState<string | null>(null);
  const undo = async (imp: Import) => {
    if (!window.confirm(`Revert import #${imp.id} (${imp.file.name})? Contacts it created are deleted and the values it changed are restored.`)) return;
    try {
      const r = await imports.revert(imp.id);
      setMessage(`Reverted import #${imp.id}: ${formatCount(r.deleted)} deleted, ${formatCount(r.restored)} restored${r.conflicts.length ? `, ${formatCount(r.conflicts.length)} changed since and left as they are` : ''}.`);
      list.reload();
    } catch (e) {
      setMessage(errorMessage(e));
    }
  };
  return (
    <section aria-labelledby="import-history">
      <h2 id="import-history">Import history</h2>
      {message && <div className="alert ok" role="status" data-testid="revert-message">{message}</div>}
      {list.loading && !list.data ? <LoadingState /> : list.error ? <ErrorState message={errorMessage(list.error)} onRetry={list.reload} /> : (list.data?.data ?? []).length === 0 ? (
        <EmptyState title="No imports yet" />
      ) : (
        <div className="list-wrap">
          <table className="list" aria-label="Imports">
            <thead><tr><th>#</th><th>File</th><th>When</th><th>State</th><th className="num">Created</th><th className="num">Updated</th><th className="num">Rejected</th><th /></tr></thead>
            <tbody>
              {(list.data?.data ?? []).map((x) => (
                <tr key={x.id}>
                  <td>{x.id}</td>
                  <td>{x.file.name}</td>
                  <td>{relativeTime(x.created_at)}</td>
                  <td>{x.state}</td>
                  <td className="num">{formatCount(x.counts.created)}</td>
                  <td className="num">{formatCount(x.counts.updated)}</td>
                  <td className="num">{x.counts.rejected > 0 ? <a href={imports.errorsUrl(x.id)} download>{formatCount(x.counts.rejected)}</a> : '0'}</td>
                  <td style={{ textAlign: 'right' }}>{x.state === 'succeeded' && <button className="btn small danger" onClick={() => void undo(x)}>Revert</button>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
