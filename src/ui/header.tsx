// Top of every screen: where we are, how busy the machine is, whether the
// counts can be trusted (drops, full maps) and what msgtop itself costs.
import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Model } from '../data/model/model.js';
import { escapeControl } from '../data/model/sanitize.js';
import { privilegesText } from '../data/privileges.js';
import { clipParts } from './fit.js';
import { fmtBytes, fmtCount, fmtDuration, fmtInterval, fmtPercent } from './format.js';
import type { UiState } from './state.js';
import { tint, useTheme } from './theme.js';

/** Status tags (pause, totals, filter...) for the optional fourth line. */
export function headerTags(ui: UiState): string[] {
  const tags: string[] = [];
  if (ui.paused) tags.push('PAUSED');
  if (ui.totals) tags.push('TOTALS');
  if (ui.groupByContainer) tags.push('by container');
  if (ui.syscall !== null) tags.push(`syscall ${ui.syscall}`);
  if (ui.pids.length > 0) tags.push(`pid=${ui.pids.join(',')}`);
  if (ui.comm !== null) tags.push(`comm=${escapeControl(ui.comm)}`);
  if (ui.container !== null) tags.push(`container=${escapeControl(ui.container)}`);
  if (ui.filter !== '') tags.push(`filter /${escapeControl(ui.filter)}`);
  return tags;
}

/** The fourth header line: tags in brackets, "" when there are none. */
export function headerTagLine(ui: UiState): string {
  return headerTags(ui)
    .map((t) => `[${t}]`)
    .join(' ');
}

/** What msgtop itself has to say on the fourth line: where it records (or
 * why it stopped: an alarm), or what to know about the recording replayed. */
export interface Notice {
  text: string;
  alarm: boolean;
}

export function headerNotice(m: Pick<Model, 'recording' | 'replay'>): Notice | null {
  if (m.recording) {
    const r = m.recording;
    return r.error === null ? { text: `REC ${r.path}`, alarm: false } : { text: `recording to ${r.path} stopped: ${r.error}`, alarm: true };
  }
  if (m.replay?.note) return { text: m.replay.note, alarm: false };
  return null;
}

/** Lines of the header: three, and a fourth for tags or a notice. */
export function headerHeight(tags: string, notice: Notice | null): number {
  return tags !== '' || notice !== null ? 4 : 3;
}

/** Wall-clock time to the second. */
function clock(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (x: number) => String(x).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** Where a replay is: "21:14:03, interval 37 of 120, paused". */
export function replayPosition(m: Pick<Model, 'ts' | 'replay'>): string {
  const r = m.replay;
  if (!r) return '';
  return `${clock(m.ts)}, interval ${r.position} of ${r.count}, ${r.playing ? `playing ${r.speed}×` : 'paused'}`;
}

function Alarm(props: { label: string; value: number; of?: number }) {
  const theme = useTheme();
  const bad = props.value > 0;
  // Out of how many, once some are lost: "drops 12 of 1.0k".
  const of = bad && props.of !== undefined ? ` of ${fmtCount(props.of)}` : '';
  // Red background when colour is allowed, else inverse: visible either way.
  return (
    <Text
      bold={bad}
      inverse={bad && !theme.color}
      backgroundColor={bad ? tint(theme, 'red') : undefined}
      color={bad ? tint(theme, 'white') : undefined}
    >
      {`${props.label} ${fmtCount(props.value)}${of}`}
    </Text>
  );
}

/** The parts of a Model the header shows (not the process list). */
export type HeaderInfo = Pick<
  Model,
  'ts' | 'intervalMs' | 'host' | 'kernel' | 'probes' | 'probesReason' | 'ipc' | 'privileges' | 'uptimeMs' | 'health' | 'maps' | 'cost' | 'send' | 'recv' | 'replay'
>;

export function headerInfo(m: Model): HeaderInfo {
  const { ts, intervalMs, host, kernel, probes, probesReason, ipc, privileges, uptimeMs, health, maps, cost, send, recv, replay } = m;
  return { ts, intervalMs, host, kernel, probes, probesReason, ipc, privileges, uptimeMs, health, maps, cost, send, recv, replay };
}

/** The fullest of the maps that bound how many processes are counted at
 * once, in percent (exited processes leave them; --max-procs sizes them). */
export function mapFill(maps: Model['maps']): number | null {
  if (!maps) return null;
  return Math.max(...[maps.counters, maps.procs, maps.errnos].map((m) => (m.max > 0 ? (m.used / m.max) * 100 : 0)));
}

/** Map fill, yellow from three quarters full: counting stops at 100 %. */
function Fill(props: { percent: number | null }) {
  const theme = useTheme();
  if (props.percent === null) return null;
  const high = props.percent >= 75;
  return <Text color={high ? tint(theme, 'yellow') : undefined} bold={high}>{`  maps ${fmtPercent(props.percent)}`}</Text>;
}

interface HeaderProps {
  model: HeaderInfo;
  totals: boolean;
  /** headerTags, each in brackets; "" for none. */
  tags: string;
  notice?: Notice | null;
  /** UiState.intervalMs: the interval asked for (the Model's is measured). */
  intervalMs: number;
  /** Terminal columns: the lines with names in them (host, filters) are cut to it. */
  width: number;
}

/** Re-renders only when the sample or what it shows of the UI state changes. */
export const Header = memo(function Header(props: HeaderProps) {
  const { model: m, totals } = props;
  const theme = useTheme();
  const per = totals ? '' : '/s';
  const stat = totals ? 'total' : 'rate';
  const send = m.send[stat];
  const recv = m.recv[stat];
  // A failed attach (auto retries) is not "off": msgsnd/msgrcv go uncounted.
  const ipc = m.ipc.tracing ? 'on' : m.ipc.error ? 'FAILED' : 'off';
  const who = m.privileges ? `  as ${escapeControl(privilegesText(m.privileges))}` : '';
  const bpf = m.cost.bpfNsPerSec === null ? 'n/a' : `${fmtPercent(m.cost.bpfNsPerSec / 1e7)} of a core`;
  const h = m.health;
  // Counts lost (drops, missed runs, full counter maps) and names or detail
  // lost (the other maps) all mean "the table is incomplete".
  const mapFull = h.counterMapFull + h.errnoMapFull + h.detailMapFull + h.procMapFull;
  const notice = props.notice ?? null;
  // A replay shows the recording's own interval; live, the one asked for.
  const every = m.replay ? m.intervalMs : props.intervalMs;
  const replay = m.replay ? ['  ', ' REPLAY ', ` ${replayPosition(m)}`] : [];
  const [title = '', ...rest] = clipParts(
    [
      'msgtop',
      ...replay,
      `  ${escapeControl(m.host)}  kernel ${escapeControl(m.kernel)}  probes ${m.probes}  SysV ipc ${ipc} (${m.ipc.mode})  every ${fmtInterval(every)}  up ${fmtDuration(m.uptimeMs)}${who}  (${m.probes}: ${escapeControl(m.probesReason)})`,
    ],
    props.width,
  );
  const [gap, tag, position, where] = m.replay ? rest : ['', '', '', rest[0]];
  const noticeText = notice === null ? '' : escapeControl(notice.text);
  const [noticeShown, sep, tags] = clipParts([noticeText, notice !== null && props.tags !== '' ? '  ' : '', props.tags], props.width);
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold color={tint(theme, 'cyan')}>
          {title}
        </Text>
        {gap}
        {tag && (
          <Text bold inverse>
            {tag}
          </Text>
        )}
        {position && <Text bold>{position}</Text>}
        {where}
      </Text>
      <Text wrap="truncate">
        <Text bold>{`msgs${per} ${fmtCount(send.messages + recv.messages)}`}</Text>
        {`  send ${fmtCount(send.messages)}  recv ${fmtCount(recv.messages)}  in ${fmtBytes(recv.bytes)}${per}  out ${fmtBytes(send.bytes)}${per}  `}
        <Text color={send.errors + recv.errors > 0 ? tint(theme, 'yellow') : undefined}>{`err${per} ${fmtCount(send.errors + recv.errors)}`}</Text>
      </Text>
      <Text wrap="truncate">
        <Alarm label="drops" value={h.ringbufDrops} of={h.ringbufEvents + h.ringbufDrops} />
        {'  '}
        <Alarm label="missed" value={h.progMissed} />
        {'  '}
        <Alarm label="map-full" value={mapFull} />
        {'  '}
        <Alarm label="lost" value={h.stateLost} />
        <Fill percent={mapFill(m.maps)} />
        {`  cost: bpf ${bpf}, msgtop cpu ${fmtPercent(m.cost.cpuPercent)}, rss ${fmtBytes(m.cost.rssBytes)}, stall ${Math.round(m.cost.loopStallMs)}ms (sample ${Math.round(m.cost.sampleMs)}${m.cost.frameMs === undefined ? '' : `, frame ${Math.round(m.cost.frameMs)}`})`}
      </Text>
      {(props.tags !== '' || notice !== null) && (
        <Text wrap="truncate" bold>
          {notice !== null && (
            <Text
              inverse={notice.alarm && !theme.color}
              backgroundColor={notice.alarm ? tint(theme, 'red') : undefined}
              color={notice.alarm ? tint(theme, 'white') : undefined}
            >
              {noticeShown}
            </Text>
          )}
          {sep}
          {tags}
        </Text>
      )}
    </Box>
  );
});
