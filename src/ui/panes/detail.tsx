// Drill-down into one process: title, pane tabs, and the chosen pane.
import { Box, Text } from 'ink';
import type { Detail, ProcessRow } from '../../data/model/model.js';
import { escapeControl } from '../../data/model/sanitize.js';
import { HOST } from '../../data/model/filter.js';
import { clipParts } from '../fit.js';
import { fmtCount } from '../format.js';
import { PANE_HINT } from '../keymap.js';
import { PANES, type PaneName } from '../state.js';
import { Events, eventWindow } from './events.js';
import { History } from './history.js';
import { peerList, Peers } from './peers.js';
import { Sizes } from './sizes.js';
import { Summary } from './summary.js';
import { threadList, Threads } from './threads.js';
import type { PaneProps } from './types.js';

const TITLES: Record<PaneName, string> = {
  summary: 'Summary',
  threads: 'Threads',
  peers: 'Peers',
  sizes: 'Sizes',
  history: 'History',
  events: 'Events',
};

const FOLDED_TEXT = 'Folded rows have no live detail: exited processes, only their totals (Summary).';
const UNRECORDED_TEXT =
  'Not in the recording: threads, peers and sizes are recorded only for a process opened while recording. Summary, History and Events are rebuilt from the intervals.';

/** Detail only counts when it is for the process on screen. */
export function detailFor(detail: Detail | null, key: string | null): Detail | null {
  return detail !== null && detail.key === key ? detail : null;
}

/** Length of the scrollable list in a pane, and which end it sticks to. */
export function paneList(pane: PaneName, detail: Detail | null, totals: boolean): { length: number; anchor: 'top' | 'bottom' } {
  if (pane === 'threads') return { length: threadList({ detail, totals }).length, anchor: 'top' };
  if (pane === 'peers') return { length: peerList({ detail }).length, anchor: 'top' };
  if (pane === 'events') return { length: detail?.events.length ?? 0, anchor: 'bottom' };
  return { length: 0, anchor: 'top' };
}

function Tabs(props: { pane: PaneName }) {
  return (
    <Text wrap="truncate">
      {PANES.map((p, i) => (
        <Text key={p}>
          {i > 0 ? ' ' : ''}
          <Text inverse={p === props.pane} bold={p === props.pane}>{` ${i + 1} ${TITLES[p]} `}</Text>
        </Text>
      ))}
      <Text dimColor>{`  ${PANE_HINT}`}</Text>
    </Text>
  );
}

function Title(props: { row: ProcessRow; width: number }) {
  const r = props.row;
  const where = r.container === null ? HOST : `container ${escapeControl(r.container)}`;
  if (r.folded > 0) {
    const [name, rest] = clipParts(
      [`${escapeControl(r.comm)} ×${fmtCount(r.folded)} exited`, `  [folded: final totals of ${r.folded} processes]  ${where}`],
      props.width,
    );
    return (
      <Text wrap="truncate" dimColor>
        <Text bold>{name}</Text>
        {rest}
      </Text>
    );
  }
  const [name, exited, rest] = clipParts(
    [
      `PID ${r.pid} ${escapeControl(r.comm)}`,
      r.exitedAt !== null ? ' [exited, final totals]' : '',
      `  user ${escapeControl(r.user)}  ${where}  cgroup ${escapeControl(r.cgroup)}  ${escapeControl(r.cmdline)}`,
    ],
    props.width,
  );
  return (
    <Text wrap="truncate" dimColor={r.exitedAt !== null}>
      <Text bold>{name}</Text>
      {exited}
      {rest}
    </Text>
  );
}

interface DetailViewProps {
  row: ProcessRow | null;
  detail: Detail | null;
  pane: PaneName;
  totals: boolean;
  scroll: number;
  width: number;
  height: number;
  /** Replaying a recording: say what it lacks rather than "collecting". */
  replay?: boolean;
}

export function DetailView(props: DetailViewProps) {
  if (props.row === null) {
    return <Text>This process is no longer reported. Esc goes back.</Text>;
  }
  const pane: PaneProps = {
    row: props.row,
    detail: props.detail,
    totals: props.totals,
    scroll: props.scroll,
    width: props.width,
    height: Math.max(1, props.height - 2),
  };
  // Everything but Summary comes from per-process detail, which the engine
  // starts collecting when we call watch(); a folded row never gets any.
  const folded = props.row.folded > 0 && props.pane !== 'summary';
  const waiting = props.pane !== 'summary' && props.detail === null;
  const unrecorded = (props.detail?.unrecorded ?? false) && (props.pane === 'threads' || props.pane === 'peers' || props.pane === 'sizes');
  return (
    <Box flexDirection="column">
      <Title row={props.row} width={props.width} />
      <Tabs pane={props.pane} />
      {folded ? (
        <Text dimColor>{FOLDED_TEXT}</Text>
      ) : unrecorded ? (
        <Text dimColor>{UNRECORDED_TEXT}</Text>
      ) : waiting ? (
        <Text dimColor>{props.replay ? UNRECORDED_TEXT : 'collecting…'}</Text>
      ) : (
        {
          summary: <Summary {...pane} />,
          threads: <Threads {...pane} />,
          peers: <Peers {...pane} />,
          sizes: <Sizes {...pane} />,
          history: <History {...pane} />,
          events: (
            <Events
              window={eventWindow(props.detail?.events ?? [], props.scroll, pane.height)}
              total={props.detail?.events.length ?? 0}
              global={false}
              scroll={props.scroll}
              width={props.width}
              height={pane.height}
            />
          ),
        }[props.pane]
      )}
    </Box>
  );
}
