// The whole TUI. The CLI renders <App model controls /> and rerenders it
// with each new Model; everything the user changes lives in UiState here,
// and requests to the engine go out through Controls only.
import { Box, Text, useInput, useStdin } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, type MutableRefObject } from 'react';
import type { Model } from '../data/model/model.js';
import { handleKey, resolveSelection, type Effect, type KeyContext } from './actions.js';
import { effectiveSort, fitColumns, sortableIds } from './columns.js';
import type { Controls } from './controls.js';
import { Footer } from './footer.js';
import { Header, headerHeight, headerInfo, headerNotice, headerTagLine } from './header.js';
import { Help } from './help.js';
import { decodeFunctionKey, fromInk, type Stroke } from './keys.js';
import { detailFor, DetailView, paneList } from './panes/detail.js';
import { Events, eventWindow } from './panes/events.js';
import { SyscallPicker, syscallUse } from './picker.js';
import { rankRows } from './rank.js';
import { initialState, type UiState } from './state.js';
import { Table } from './table.js';
import { NO_COLOR, ThemeContext } from './theme.js';
import { useScrollWindow } from './useScrollWindow.js';
import { useTerminalSize } from './useTerminalSize.js';

export const MIN_COLUMNS = 60;
export const MIN_ROWS = 10;

export interface AppProps {
  model: Model;
  controls: Controls;
  initial?: Partial<UiState>;
  /** Defaults to the NO_COLOR environment variable. */
  noColor?: boolean;
}

function run(controls: Controls, e: Effect): void {
  switch (e.kind) {
    case 'watch':
      return controls.watch(e.key);
    case 'interval':
      return controls.setIntervalMs(e.ms);
    case 'global-events':
      return controls.setGlobalEvents(e.on);
    case 'suspend':
      return controls.suspend();
    case 'replay':
      return controls.replay?.(e.cmd);
    case 'quit':
      return controls.quit();
  }
}

interface KeyRefs {
  uiRef: MutableRefObject<UiState>;
  ctx: MutableRefObject<KeyContext | null>;
  modelRef: MutableRefObject<Model>;
  controlsRef: MutableRefObject<Controls>;
  setUi: (s: UiState) => void;
  setFrozen: (m: Model | null) => void;
}

/**
 * Keys -> handleKey -> new state and effects, through refs to the latest of
 * everything. Not inlined in App on purpose: these closures live for the
 * whole run, and a closure made in App's body keeps that render's scope,
 * Model and ranking included, alive with it.
 */
function useKeys(r: KeyRefs): void {
  const dispatch = useCallback((stroke: Stroke) => {
    const prev = r.uiRef.current;
    if (!r.ctx.current) return;
    const { state, effects } = handleKey(prev, stroke, r.ctx.current);
    r.uiRef.current = state;
    r.setUi(state);
    if (state.paused !== prev.paused) r.setFrozen(state.paused ? r.modelRef.current : null);
    for (const e of effects) run(r.controlsRef.current, e);
  }, []);
  useInput((input, key) => {
    const stroke = fromInk(input, key);
    if (stroke) dispatch(stroke);
  });
  // Ink's useInput does not say which function key was pressed.
  const { internal_eventEmitter: inputEvents } = useStdin();
  useEffect(() => {
    const onRaw = (raw: string) => {
      const stroke = decodeFunctionKey(raw);
      if (stroke) dispatch(stroke);
    };
    inputEvents.on('input', onRaw);
    return () => {
      inputEvents.off('input', onRaw);
    };
  }, [inputEvents, dispatch]);
}

export function App(props: AppProps) {
  const { model, controls } = props;
  const [ui, setUi] = useState(() => initialState(props.initial));
  // Paused: keep showing the model captured when space was pressed.
  const [frozen, setFrozen] = useState<Model | null>(() => (ui.paused ? model : null));
  const shown = frozen ?? model;
  const size = useTerminalSize();

  // Key handlers run outside render; refs give them the latest of everything.
  const uiRef = useRef(ui);
  const modelRef = useRef(model);
  modelRef.current = model;
  const controlsRef = useRef(controls);
  controlsRef.current = controls;

  // One line short of the terminal: a frame as tall as the screen makes Ink
  // clear and redraw everything, which flickers over ssh.
  const height = size.rows - 1;
  // The newest Model's news (a recording that stopped), even while paused.
  const tags = headerTagLine(ui);
  const notice = headerNotice(model);
  const bodyHeight = Math.max(1, height - headerHeight(tags, notice) - 1);
  const replay = model.replay !== undefined;
  const columns = useMemo(
    () => fitColumns(size.columns, { syscall: ui.syscall, groupByContainer: ui.groupByContainer }),
    [size.columns, ui.syscall, ui.groupByContainer],
  );
  const sortBy = effectiveSort(ui.sortBy, ui);
  // Ranked once per model and ranking state: moving the selection reuses it.
  const ranking = useMemo(
    () => rankRows(shown.processes, ui, sortBy),
    [shown.processes, sortBy, ui.sortDesc, ui.totals, ui.groupByContainer, ui.filter, ui.filterEditing, ui.pids, ui.comm, ui.container, ui.syscall],
  );
  const selected = resolveSelection(ranking, ui);
  // Only the rows on screen are built and go to <Table>.
  const tableHeight = bodyHeight - 1;
  const firstRow = useScrollWindow(selected, tableHeight, ranking.length);
  const visible = useMemo(() => ranking.rows(firstRow, firstRow + tableHeight), [ranking, firstRow, tableHeight]);
  const detailRow = ui.detailKey === null ? null : (shown.processes.find((p) => p.key === ui.detailKey) ?? null);
  const detail = detailFor(shown.detail, ui.detailKey);

  const list =
    ui.view === 'detail'
      ? paneList(ui.pane, detail, ui.totals)
      : ui.view === 'events'
        ? { length: shown.events.length, anchor: 'bottom' as const }
        : { length: ranking.length, anchor: 'top' as const };
  const ctx = useRef<KeyContext | null>(null);
  ctx.current = {
    rows: ranking,
    sortable: sortableIds(columns),
    pageSize: Math.max(1, bodyHeight - (ui.view === 'detail' ? 3 : ui.view === 'events' ? 2 : 1)),
    listLength: list.length,
    anchor: list.anchor,
    watching: (detailRow?.folded ?? 0) === 0,
    replay,
  };

  // An initial state may already be drilled in (e.g. a CLI preset).
  useEffect(() => {
    const start = uiRef.current;
    if (start.view === 'detail' && start.detailKey !== null) {
      // A folded row has no live detail to ask for.
      const row = modelRef.current.processes.find((p) => p.key === start.detailKey);
      if ((row?.folded ?? 0) === 0) controlsRef.current.watch(start.detailKey);
    }
    if (start.view === 'events') controlsRef.current.setGlobalEvents(true);
  }, []);

  useKeys({ uiRef, ctx, modelRef, controlsRef, setUi, setFrozen });

  const theme = useMemo(() => ({ color: !(props.noColor ?? NO_COLOR) }), [props.noColor]);
  const info = useMemo(() => headerInfo(shown), [shown]);

  if (size.columns < MIN_COLUMNS || size.rows < MIN_ROWS) {
    return (
      <Text wrap="wrap">{`Terminal too small (${size.columns}×${size.rows}); msgtop needs ${MIN_COLUMNS}×${MIN_ROWS}. q quits.`}</Text>
    );
  }

  const empty =
    shown.processes.length === 0
      ? 'no message traffic seen yet'
      : 'no process matches (Esc clears filters)';
  let body;
  if (ui.help) body = <Help height={bodyHeight} replay={replay} />;
  else if (ui.view === 'detail')
    body = (
      <DetailView
        row={detailRow}
        detail={detail}
        pane={ui.pane}
        totals={ui.totals}
        scroll={ui.scroll}
        width={size.columns}
        height={bodyHeight}
        replay={replay}
      />
    );
  else if (ui.view === 'events')
    body = (
      <Events
        window={eventWindow(shown.events, ui.scroll, bodyHeight)}
        total={shown.events.length}
        global
        scroll={ui.scroll}
        width={size.columns}
        height={bodyHeight}
      />
    );
  else if (ui.view === 'pick-syscall') body = <SyscallPicker use={syscallUse(shown.processes)} index={ui.pickIndex} height={bodyHeight} />;
  else
    body = (
      <Table
        rows={visible}
        columns={columns}
        selected={selected - firstRow}
        sortBy={sortBy}
        sortDesc={ui.sortDesc}
        totals={ui.totals}
        emptyText={empty}
      />
    );

  // Clipped vertically only: every line is already cut to the width
  // (wrap="truncate"), and horizontal clipping makes Ink re-slice each line.
  return (
    <ThemeContext.Provider value={theme}>
      <Box flexDirection="column" width={size.columns} height={height} overflowY="hidden">
        <Header model={info} totals={ui.totals} tags={tags} notice={notice} intervalMs={ui.intervalMs} width={size.columns} />
        <Box flexDirection="column" height={bodyHeight} overflowY="hidden">
          {body}
        </Box>
        <Footer view={ui.view} filterEditing={ui.filterEditing} filter={ui.filter} replay={replay} width={size.columns} />
      </Box>
    </ThemeContext.Provider>
  );
}
