// Message size distribution, send and receive side by side, one line per
// log2 bucket between the smallest and largest bucket in use.
import { Box, Text } from 'ink';
import type { SizeHistogram } from '../../data/model/model.js';
import { bucketLabel, cell, fmtCount } from '../format.js';
import { tint, useTheme } from '../theme.js';
import type { PaneProps } from './types.js';

const LABEL = 9;
const COUNT = 6;

function usedRange(h: SizeHistogram): [number, number] | null {
  const used = (i: number) => (h.send[i] ?? 0) > 0 || (h.recv[i] ?? 0) > 0;
  const n = Math.max(h.send.length, h.recv.length);
  let lo = 0;
  while (lo < n && !used(lo)) lo++;
  if (lo === n) return null;
  let hi = n - 1;
  while (!used(hi)) hi--;
  return [lo, hi];
}

function Side(props: { title: string; counts: readonly number[]; buckets: number[]; width: number; color: string }) {
  const theme = useTheme();
  const max = Math.max(1, ...props.buckets.map((i) => props.counts[i] ?? 0));
  const barWidth = Math.max(1, props.width - LABEL - COUNT - 3);
  return (
    <Box flexDirection="column" width={props.width}>
      <Text bold>{props.title}</Text>
      {props.buckets.map((i) => {
        const n = props.counts[i] ?? 0;
        const bar = '█'.repeat(n > 0 ? Math.max(1, Math.round((n / max) * barWidth)) : 0);
        return (
          <Text key={i} wrap="truncate">
            {cell(bucketLabel(i), LABEL)} {cell(fmtCount(n), COUNT)} <Text color={tint(theme, props.color)}>{bar}</Text>
          </Text>
        );
      })}
    </Box>
  );
}

export function Sizes(props: PaneProps) {
  const h = props.detail?.sizes;
  const range = h ? usedRange(h) : null;
  if (!h || !range) return <Text dimColor>no messages sized yet</Text>;
  // Keep the largest buckets when the pane is short: big messages are the surprise.
  const first = Math.max(range[0], range[1] - (props.height - 2) + 1);
  const buckets = Array.from({ length: range[1] - first + 1 }, (_, k) => first + k);
  const half = Math.floor((props.width - 1) / 2);
  return (
    <Box flexDirection="column">
      <Text dimColor wrap="truncate">
        message sizes in bytes, counts since attach
      </Text>
      <Box>
        <Side title="send" counts={h.send} buckets={buckets} width={half} color="magenta" />
        <Box width={1} />
        <Side title="recv" counts={h.recv} buckets={buckets} width={half} color="blue" />
      </Box>
    </Box>
  );
}
