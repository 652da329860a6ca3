// The contacts table: fixed-height rows, only the visible ones (plus a margin) in the DOM, so a
// list scrolled through a million contacts costs what a screenful costs. Headers sort on click
// and reorder by dragging; the keyboard moves an active row (arrows, Page Up/Down, Home/End),
// Enter opens it, Space selects it.
import { type KeyboardEvent, memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { Contact } from '../../api/generated/schema';
import type { Column } from './columns';

const ROW_H = 40;
const OVERSCAN = 12;
const PREFETCH = 400;

type Props = {
  rows: Contact[];
  columns: Column[];
  sort: string;
  onSort: (sort: string) => void;
  onReorder: (from: string, to: string) => void;
  onOpen: (c: Contact) => void;
  onNearEnd: () => void;
  selected: Set<string>;
  onToggle: (id: string) => void;
  // The header checkbox's state (the page knows when "all loaded" stays on as pages arrive).
  allSelected: boolean;
  onToggleAll: () => void;
  footer: React.ReactNode;
  emptyState: React.ReactNode;
  loadingMore: boolean;
};

export function ContactTable(p: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  // The first row under the top edge, not the pixel offset: a scroll within a row renders nothing.
  const [topRow, setTopRow] = useState(0);
  const [height, setHeight] = useState(600);
  const [active, setActive] = useState(-1);
  const [dragKey, setDragKey] = useState<string | null>(null);
  const [dropKey, setDropKey] = useState<string | null>(null);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  // The scroll position is read once per frame, in a requestAnimationFrame callback, and the rows
  // it brings in are rendered there (flushSync) so they are drawn in that same frame. Reading
  // scrollTop in the scroll event instead comes after React's commit of the previous position has
  // dirtied the layout (a forced synchronous layout), and a render scheduled from the event
  // lands in a separate task, after the frame: both cost a long frame when the core is busy.
  const pendingFrame = useRef(0);
  const onScroll = useCallback(() => {
    if (pendingFrame.current) return;
    pendingFrame.current = requestAnimationFrame(() => {
      pendingFrame.current = 0;
      const el = scroller.current;
      if (el) flushSync(() => setTopRow(Math.floor(el.scrollTop / ROW_H)));
    });
  }, []);
  useEffect(() => () => cancelAnimationFrame(pendingFrame.current), []);

  const headH = 37;
  // The rows in the DOM: a fixed number of slots (a screenful plus OVERSCAN above and below),
  // row i in slot i % pool. A row scrolled out hands its slot, and its DOM elements, to the row
  // scrolled in: React rewrites the slot's text and attributes instead of removing one subtree
  // and building another, so a frame costs no element creation, style or layout-tree rebuild
  // for the entering rows. The slots stay in DOM order (never moved: a moved node is rebuilt);
  // their place on screen is their `top`, and aria-rowindex gives assistive technology the order.
  const pool = Math.ceil(height / ROW_H) + 1 + 2 * OVERSCAN;
  const first = Math.max(0, Math.min(topRow - OVERSCAN, p.rows.length - pool));
  const last = Math.min(p.rows.length, first + pool);

  // Ask for the next page while PREFETCH rows remain: at 10 rows a frame (a fast drag of the
  // scrollbar) that is 40 frames for the page to arrive, so the scroll does not hit the end.
  const { onNearEnd } = p;
  useEffect(() => {
    if (p.rows.length > 0 && last >= p.rows.length - PREFETCH) onNearEnd();
  }, [last, p.rows.length, onNearEnd]);

  useEffect(() => {
    if (active >= p.rows.length) setActive(p.rows.length - 1);
  }, [p.rows.length, active]);

  const scrollIntoView = useCallback((i: number) => {
    const el = scroller.current;
    if (!el) return;
    const top = i * ROW_H;
    const visible = el.clientHeight - headH;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_H > el.scrollTop + visible) el.scrollTop = top + ROW_H - visible;
  }, []);

  const move = (i: number) => {
    const n = Math.max(0, Math.min(p.rows.length - 1, i));
    setActive(n);
    scrollIntoView(n);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (p.rows.length === 0) return;
    const page = Math.max(1, Math.floor((height - headH) / ROW_H) - 1);
    switch (e.key) {
      case 'ArrowDown': case 'j': move(active + 1); break;
      case 'ArrowUp': case 'k': move(active - 1); break;
      case 'PageDown': move(active + page); break;
      case 'PageUp': move(active - page); break;
      case 'Home': move(0); break;
      case 'End': move(p.rows.length - 1); break;
      case 'Enter': {
        const c = p.rows[active];
        if (c) p.onOpen(c);
        break;
      }
      case ' ': {
        const c = p.rows[active];
        if (c?.id) p.onToggle(c.id);
        break;
      }
      default: return;
    }
    e.preventDefault();
  };

  const sortFor = (col: Column): 'asc' | 'desc' | null => {
    if (!col.sort) return null;
    if (p.sort === col.sort) return 'asc';
    if (p.sort === `-${col.sort}`) return 'desc';
    return null;
  };
  const clickSort = (col: Column) => {
    if (!col.sort) return;
    const cur = sortFor(col);
    // Numbers and dates read best largest first; text A to Z.
    const descFirst = ['lead_score', 'created_at', 'updated_at', 'last_activity_at'].includes(col.sort);
    if (cur === null) p.onSort(descFirst ? `-${col.sort}` : col.sort);
    else if (cur === 'asc') p.onSort(`-${col.sort}`);
    else p.onSort(col.sort);
  };

  const totalWidth = 40 + p.columns.reduce((s, c) => s + c.width, 0);
  const activeRow = p.rows[active];

  return (
    <div className="table-wrap">
      <div
        className="table-scroll"
        ref={scroller}
        tabIndex={0}
        role="grid"
        aria-label="Contacts"
        aria-rowcount={p.rows.length + 1}
        aria-activedescendant={activeRow ? `row-${activeRow.id}` : undefined}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onFocus={() => active < 0 && p.rows.length > 0 && setActive(0)}
        data-testid="contacts-grid"
      >
        <div className="grid-head" role="row" style={{ width: totalWidth, minWidth: '100%' }}>
          <div className="head-cell check" role="columnheader">
            <input type="checkbox" aria-label="Select all loaded contacts" checked={p.allSelected} onChange={p.onToggleAll} />
          </div>
          {p.columns.map((col) => {
            const dir = sortFor(col);
            return (
              <div
                key={col.key}
                role="columnheader"
                aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}
                className={`head-cell${dir ? ' sorted' : ''}${dropKey === col.key && dragKey !== col.key ? ' drop-target' : ''}`}
                style={{ width: col.width }}
                draggable
                data-col={col.key}
                onDragStart={(e) => {
                  setDragKey(col.key);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  setDropKey(col.key);
                }}
                onDragLeave={() => setDropKey(null)}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragKey && dragKey !== col.key) p.onReorder(dragKey, col.key);
                  setDragKey(null);
                  setDropKey(null);
                }}
                onDragEnd={() => {
                  setDragKey(null);
                  setDropKey(null);
                }}
              >
                {col.sort ? (
                  <button className="sort" onClick={() => clickSort(col)} aria-label={`Sort by ${col.label}`} title={`Sort by ${col.label}`}>
                    {col.label}
                    <span aria-hidden="true">{dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}</span>
                  </button>
                ) : (
                  col.label
                )}
              </div>
            );
          })}
        </div>
        {p.rows.length === 0 ? (
          p.emptyState
        ) : (
          <div style={{ height: p.rows.length * ROW_H + (p.loadingMore ? ROW_H : 0), position: 'relative', width: totalWidth, minWidth: '100%' }}>
            {slots(first, last, pool, (i) => {
              const c = p.rows[i]!;
              const id = c.id ?? '';
              return (
                <Row key={i % pool} c={c} i={i} active={i === active} selected={p.selected.has(id)} columns={p.columns}
                  onOpen={p.onOpen} onToggle={p.onToggle} setActive={setActive} />
              );
            })}
            {p.loadingMore && (
              <div className="grid-row" style={{ top: p.rows.length * ROW_H, cursor: 'default' }} aria-hidden="true">
                <div className="cell" style={{ width: 240 }}><div className="skeleton" style={{ width: 180 }} /></div>
              </div>
            )}
          </div>
        )}
      </div>
      <div className="table-foot">{p.footer}</div>
    </div>
  );
}

// Rows first..last-1 in slot order (row i at index i % pool): the same slot keeps its place in
// the DOM as the window moves.
function slots(first: number, last: number, pool: number, row: (i: number) => React.ReactNode): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  for (let i = first; i < last; i++) out[i % pool] = row(i);
  return out;
}

// One row. Memoized: a scroll re-renders the table every frame, but only the rows that come
// into view render (the others keep their contact, position and selection), so a frame costs
// the rows scrolled in, not the screenful.
const Row = memo(function Row({ c, i, active, selected, columns, onOpen, onToggle, setActive }: {
  c: Contact; i: number; active: boolean; selected: boolean; columns: Column[];
  onOpen: (c: Contact) => void; onToggle: (id: string) => void; setActive: (i: number) => void;
}) {
  const id = c.id ?? '';
  // A slot handed to another contact must not keep the focus (a checkbox clicked before the
  // scroll would then select the new contact): the focus goes back to the grid.
  const el = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const row = el.current;
    if (row?.contains(document.activeElement)) row.closest<HTMLElement>('[role="grid"]')?.focus({ preventScroll: true });
  }, [id]);
  return (
    <div
      ref={el}
      id={`row-${id}`}
      role="row"
      aria-rowindex={i + 2}
      aria-selected={selected}
      className={`grid-row${active ? ' active' : ''}${selected ? ' selected' : ''}`}
      style={{ top: i * ROW_H }}
      onClick={(e) => {
        if ((e.target as HTMLElement).closest('input')) return;
        setActive(i);
        onOpen(c);
      }}
      data-testid="contact-row"
    >
      <div className="cell check" role="gridcell">
        <input type="checkbox" aria-label={`Select ${c.email}`} checked={selected} onChange={() => onToggle(id)} />
      </div>
      {columns.map((col) => (
        <div key={col.key} className={col.cellClass ? `cell ${col.cellClass}` : 'cell'} role="gridcell" style={{ width: col.width }} data-col={col.key}>
          {col.render(c)}
        </div>
      ))}
    </div>
  );
});
