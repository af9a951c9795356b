// Bottom line: the filter being typed, or the keys that matter here.
import { Text } from 'ink';
import { memo } from 'react';
import { escapeControl } from '../data/model/sanitize.js';
import { FOOTER, LINE_FOOTER, REPLAY_FOOTER } from './keymap.js';
import type { UiState } from './state.js';

export const Footer = memo(function Footer(props: Pick<UiState, 'view' | 'filterEditing' | 'filter'> & { replay?: boolean }) {
  if (props.filterEditing && props.view === 'processes') {
    return (
      <Text wrap="truncate">
        <Text bold>filter: </Text>
        {escapeControl(props.filter)}
        <Text inverse> </Text>
        <Text dimColor>{`  ${LINE_FOOTER}`}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate" dimColor>
      {(props.replay ? REPLAY_FOOTER : FOOTER)[props.view]}
    </Text>
  );
});
