// Colour is decoration only: every state is also shown with inverse, bold,
// dim or a character, so NO_COLOR (https://no-color.org) loses nothing.
import { createContext, useContext } from 'react';

/** Read once: NO_COLOR set to anything non-empty disables colour. */
export const NO_COLOR = (process.env['NO_COLOR'] ?? '') !== '';

export interface Theme {
  color: boolean;
}

export const ThemeContext = createContext<Theme>({ color: !NO_COLOR });

export function useTheme(): Theme {
  return useContext(ThemeContext);
}

/** A colour name when colour is allowed, else undefined (Ink then sets none). */
export function tint(theme: Theme, name: string): string | undefined {
  return theme.color ? name : undefined;
}
