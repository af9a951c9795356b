// Per-thread message counts of the drilled-into process.
import type { ThreadRow } from '../../data/model/model.js';
import { fmtBytes, fmtCount } from '../format.js';
import { Grid, type GridColumn } from '../grid.js';
import type { PaneProps } from './types.js';

function columns(totals: boolean): GridColumn<ThreadRow>[] {
  const s = totals ? 'total' : 'rate';
  const per = totals ? '' : '/s';
  return [
    { label: 'TID', width: 7, right: true, value: (t) => String(t.tid) },
    { label: 'NAME', width: 15, grow: true, value: (t) => t.name },
    { label: `MSG${per}`, width: 6, right: true, value: (t) => fmtCount(t.send[s].messages + t.recv[s].messages) },
    { label: `SEND${per}`, width: 6, right: true, value: (t) => fmtCount(t.send[s].messages) },
    { label: `RECV${per}`, width: 6, right: true, value: (t) => fmtCount(t.recv[s].messages) },
    { label: `IN${per}`, width: 7, right: true, priority: 3, value: (t) => fmtBytes(t.recv[s].bytes) },
    { label: `OUT${per}`, width: 7, right: true, priority: 3, value: (t) => fmtBytes(t.send[s].bytes) },
    { label: `ERR${per}`, width: 5, right: true, priority: 2, value: (t) => fmtCount(t.send[s].errors + t.recv[s].errors) },
  ];
}

export function threadList(p: Pick<PaneProps, 'detail' | 'totals'>): ThreadRow[] {
  const s = p.totals ? 'total' : 'rate';
  const msgs = (t: ThreadRow) => t.send[s].messages + t.recv[s].messages;
  return [...(p.detail?.threads ?? [])].sort((a, b) => msgs(b) - msgs(a) || a.tid - b.tid);
}

export function Threads(props: PaneProps) {
  return (
    <Grid
      columns={columns(props.totals)}
      rows={threadList(props)}
      width={props.width}
      height={props.height - 1}
      offset={props.scroll}
      rowKey={(t) => String(t.tid)}
      emptyText="no thread has sent or received a message"
    />
  );
}
