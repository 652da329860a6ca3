// Small shared pieces every page uses, so states and labels look the same everywhere.
import { type CSSProperties, type ReactNode, useEffect, useRef, useState } from 'react';
import { bandOf, BAND_LABELS, STAGE_LABELS, type Band, type Stage } from './format';

export function Spinner({ label = 'Loading' }: { label?: string }) {
  return <span className="spinner" role="status" aria-label={label} />;
}

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state" aria-busy="true">
      <Spinner />
      <div>{label}</div>
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state">
      <div className="title">{title}</div>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ title = 'Something went wrong', message, onRetry }: { title?: string; message: string; onRetry?: () => void }) {
  return (
    <div className="state error" role="alert">
      <div className="title">{title}</div>
      <div>{message}</div>
      {onRetry && <button className="btn" onClick={onRetry}>Try again</button>}
    </div>
  );
}

export function StagePill({ stage }: { stage: string | null | undefined }) {
  if (!stage) return <span className="subtle">—</span>;
  return <span className={`pill stage-${stage}`}>{STAGE_LABELS[stage as Stage] ?? stage}</span>;
}

export function ScoreBadge({ score, band, showBand = true }: { score: number | undefined; band?: string; showBand?: boolean }) {
  if (score === undefined) return <span className="subtle">—</span>;
  const b = (band as Band | undefined) ?? bandOf(score);
  return (
    // Three elements, not five: the number is the badge's own text and the bar one element
    // filled by a gradient (the contacts table builds this for every row scrolled in).
    <span className="score" title={`Lead score ${score} (${BAND_LABELS[b]})`}>
      {score}
      <span className={`bar bar-${b}`} aria-hidden="true" style={{ '--score': `${score}%` } as CSSProperties} />
      {showBand && <span className={`band band-${b}`}>{BAND_LABELS[b]}</span>}
    </span>
  );
}

export function TagChips({ tags, wrap = false }: { tags: string[] | undefined; wrap?: boolean }) {
  if (!tags || tags.length === 0) return <span className="subtle">—</span>;
  return (
    <span className={`tags${wrap ? ' wrap' : ''}`}>
      {tags.map((t) => <span className="tag" key={t}>{t}</span>)}
    </span>
  );
}

// A popover that closes on Escape and on clicks outside its anchor.
export function Popover({ open, onClose, anchor, children, align = 'left', label }: {
  open: boolean; onClose: () => void; anchor: ReactNode; children: ReactNode; align?: 'left' | 'right'; label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) onClose();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, onClose]);
  return (
    <div className="popover-anchor" ref={ref}>
      {anchor}
      {open && <div className={`popover${align === 'right' ? ' right' : ''}`} role="dialog" aria-label={label}>{children}</div>}
    </div>
  );
}

// A transient message at the bottom of the screen, with an optional action (Undo).
export function Toast({ message, action, onAction, onDone, ms = 6000 }: { message: string; action?: string; onAction?: () => void; onDone: () => void; ms?: number }) {
  useEffect(() => {
    const t = setTimeout(onDone, ms);
    return () => clearTimeout(t);
  }, [onDone, ms]);
  return (
    <div className="toast" role="status">
      <span>{message}</span>
      {action && <button className="btn small" onClick={onAction}>{action}</button>}
    </div>
  );
}

export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): {
  data: T | undefined; error: unknown; loading: boolean; reload: () => void; setData: (t: T) => void;
} {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(undefined);
    load(ctrl.signal)
      .then((d) => {
        if (!ctrl.signal.aborted) {
          setData(d);
          setLoading(false);
        }
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) {
          setError(e);
          setLoading(false);
        }
      });
    return () => ctrl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data, error, loading, reload: () => setTick((t) => t + 1), setData };
}
