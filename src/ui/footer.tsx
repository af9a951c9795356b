// Bottom line: the filter being typed, or the keys that matter here.
import { Text } from 'ink';
import { memo } from 'react';
import { escapeControl } from '../data/model/sanitize.js';
import { clipParts } from './fit.js';
import { FOOTER, LINE_FOOTER, REPLAY_FOOTER } from './keymap.js';
import type { UiState } from './state.js';

export const Footer = memo(function Footer(props: Pick<UiState, 'view' | 'filterEditing' | 'filter'> & { replay?: boolean; width: number }) {
  if (props.filterEditing && props.view === 'processes') {
    const [label, typed, cursor, hint] = clipParts(['filter: ', escapeControl(props.filter), ' ', `  ${LINE_FOOTER}`], props.width);
    return (
      <Text wrap="truncate">
        <Text bold>{label}</Text>
        {typed}
        <Text inverse>{cursor}</Text>
        <Text dimColor>{hint}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate" dimColor>
      {(props.replay ? REPLAY_FOOTER : FOOTER)[props.view]}
    </Text>
  );
});
