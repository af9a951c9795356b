// Every key, in one overlay (? or F1). Kept next to the key handling's
// vocabulary so the two are easy to compare.
import { Box, Text } from 'ink';
import { fit } from './fit.js';

export const HELP: readonly [string, string][] = [
  ['q F10 Ctrl-C', 'quit'],
  ['? F1', 'this help (any key closes)'],
  ['↑↓ j k', 'move selection / scroll'],
  ['PgUp PgDn', 'page up / down'],
  ['g G Home End', 'first / last'],
  ['< > F6', 'sort by previous / next column'],
  ['I', 'invert sort order'],
  ['/ F4', 'filter (fuzzy: comm, cmdline, pid, user, container)'],
  ['  Enter Esc', '  keep filter / clear filter'],
  ['Enter', 'open process (or a container row)'],
  ['Esc Backspace', 'back; in the table: leave syscall view, clear filters'],
  ['Tab Shift-Tab 1-6', 'switch pane: Summary Threads Peers Sizes History Events'],
  ['t', 'rates per second / cumulative totals'],
  ['space', 'pause display (counting continues)'],
  ['+ -', 'refresh interval up / down (0.5 1 2 5 10 s)'],
  ['c', 'group rows by container / cgroup'],
  ['s', 'rank by one syscall (who calls recvmmsg?)'],
  ['e', 'events of all processes'],
];

const KEYS_WIDTH = 19;

export function Help(props: { height: number }) {
  return (
    <Box flexDirection="column">
      <Text bold>msgtop keys</Text>
      {HELP.slice(0, Math.max(0, props.height - 1)).map(([keys, what]) => (
        <Text key={keys + what} wrap="truncate">
          <Text bold>{fit(keys, KEYS_WIDTH)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
