// Every key, in one overlay (? or F1), printed from the key table.
import { Box, Text } from 'ink';
import { fit } from './fit.js';
import { HELP, REPLAY_HELP } from './keymap.js';

const KEYS_WIDTH = 23;

export function Help(props: { height: number; replay?: boolean }) {
  return (
    <Box flexDirection="column">
      <Text bold>{props.replay ? 'msgtop keys (replaying a recording)' : 'msgtop keys'}</Text>
      {(props.replay ? REPLAY_HELP : HELP).slice(0, Math.max(0, props.height - 1)).map(([keys, what]) => (
        <Text key={keys + what} wrap="truncate">
          <Text bold>{fit(keys, KEYS_WIDTH)}</Text>
          {what}
        </Text>
      ))}
    </Box>
  );
}
