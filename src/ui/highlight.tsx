// Text with fuzzy-matched characters emphasised (bold + underline, plus a
// colour when allowed). Positions index UTF-16 units of `text`, as
// fuzzysort reports them.
import { Text } from 'ink';
import { tint, useTheme } from './theme.js';

export function Highlighted(props: { text: string; hits: readonly number[] }) {
  const theme = useTheme();
  if (props.hits.length === 0) return <>{props.text}</>;
  const hit = new Set(props.hits);
  const runs: { text: string; on: boolean }[] = [];
  for (let i = 0; i < props.text.length; i++) {
    const last = runs.at(-1);
    // Never split a surrogate pair across two styled runs.
    const low = /[\udc00-\udfff]/.test(props.text[i] ?? '');
    const on = low && last ? last.on : hit.has(i);
    if (last && last.on === on) last.text += props.text[i];
    else runs.push({ text: props.text[i] ?? '', on });
  }
  return (
    <>
      {runs.map((r, i) =>
        r.on ? (
          <Text key={i} bold underline color={tint(theme, 'yellow')}>
            {r.text}
          </Text>
        ) : (
          r.text
        ),
      )}
    </>
  );
}
