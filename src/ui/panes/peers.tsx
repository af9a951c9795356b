// Who the process talks to: one line per socket/queue endpoint pair.
import type { PeerRow } from '../../data/model/model.js';
import { fmtBytes, fmtCount } from '../format.js';
import { Grid, type GridColumn } from '../grid.js';
import type { PaneProps } from './types.js';

const COLUMNS: GridColumn<PeerRow>[] = [
  { label: 'FAMILY', width: 8, value: (p) => p.family },
  { label: 'PROTO', width: 6, value: (p) => p.protocol },
  { label: 'LOCAL', width: 12, grow: true, value: (p) => p.local },
  { label: 'REMOTE', width: 12, grow: true, value: (p) => p.remote || '-' },
  { label: 'TX/s', width: 5, right: true, value: (p) => fmtCount(p.send.rate) },
  { label: 'RX/s', width: 5, right: true, value: (p) => fmtCount(p.recv.rate) },
  { label: 'TX MSGS', width: 7, right: true, priority: 2, value: (p) => fmtCount(p.send.messages) },
  { label: 'TX BYTES', width: 8, right: true, priority: 1, value: (p) => fmtBytes(p.send.bytes) },
  { label: 'RX MSGS', width: 7, right: true, priority: 2, value: (p) => fmtCount(p.recv.messages) },
  { label: 'RX BYTES', width: 8, right: true, priority: 1, value: (p) => fmtBytes(p.recv.bytes) },
];

export function peerList(p: Pick<PaneProps, 'detail'>): PeerRow[] {
  const busy = (r: PeerRow) => r.send.rate + r.recv.rate;
  const total = (r: PeerRow) => r.send.messages + r.recv.messages;
  return [...(p.detail?.peers ?? [])].sort((a, b) => busy(b) - busy(a) || total(b) - total(a));
}

export function Peers(props: PaneProps) {
  return (
    <Grid
      columns={COLUMNS}
      rows={peerList(props)}
      width={props.width}
      height={props.height - 1}
      offset={props.scroll}
      rowKey={(_p, i) => String(i)}
      emptyText="no peers seen yet"
    />
  );
}
