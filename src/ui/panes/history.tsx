// Messages/s and bytes/s of the drilled-into process as block charts.
import { Box, Text } from 'ink';
import { fmtBytes, fmtCount } from '../format.js';
import { blockChart } from '../sparkline.js';
import { tint, useTheme } from '../theme.js';
import type { PaneProps } from './types.js';

function Chart(props: { title: string; values: readonly number[]; fmt: (n: number) => string; width: number; height: number; color: string }) {
  const theme = useTheme();
  const max = Math.max(0, ...props.values);
  const now = props.values.at(-1) ?? 0;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>{props.title}</Text>
        {`  now ${props.fmt(now)}  max ${props.fmt(max)}  (${props.values.length} samples)`}
      </Text>
      {blockChart(props.values, props.width, props.height).map((line, i) => (
        <Text key={i} color={tint(theme, props.color)}>
          {line}
        </Text>
      ))}
    </Box>
  );
}

export function History(props: PaneProps) {
  const h = props.detail?.history;
  if (!h || h.messages.length === 0) return <Text dimColor>no history yet</Text>;
  const chartHeight = Math.max(1, Math.floor((props.height - 2) / 2));
  return (
    <Box flexDirection="column">
      <Chart title="messages/s" values={h.messages} fmt={fmtCount} width={props.width} height={chartHeight} color="green" />
      <Chart title="bytes/s" values={h.bytes} fmt={fmtBytes} width={props.width} height={chartHeight} color="cyan" />
    </Box>
  );
}
