// Bottom line: the filter being typed, or the keys that matter here.
import { Text } from 'ink';
import { memo } from 'react';
import { escapeControl } from '../data/model/sanitize.js';
import type { UiState } from './state.js';

const HINTS: Record<UiState['view'], string> = {
  processes: 'F1/? help  / filter  Enter open  < > sort  t totals  space pause  c group  s syscall  e events  q quit',
  detail: 'Tab/1-6 pane  ↑↓ scroll  t totals  space pause  Esc back  ? help  q quit',
  events: '↑↓ PgUp PgDn scroll  G newest  space pause  Esc back  q quit',
  'pick-syscall': '↑↓ choose  Enter rank by it  Esc cancel',
};

export const Footer = memo(function Footer(props: Pick<UiState, 'view' | 'filterEditing' | 'filter'>) {
  if (props.filterEditing && props.view === 'processes') {
    return (
      <Text wrap="truncate">
        <Text bold>filter: </Text>
        {escapeControl(props.filter)}
        <Text inverse> </Text>
        <Text dimColor>{'  Enter keep · Esc clear'}</Text>
      </Text>
    );
  }
  return (
    <Text wrap="truncate" dimColor>
      {HINTS[props.view]}
    </Text>
  );
});
