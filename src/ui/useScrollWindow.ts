// First visible line of a list that must keep `selected` in view, moving as
// little as possible (like top/htop) rather than paging.
import { useRef } from 'react';

export function useScrollWindow(selected: number, height: number, total: number): number {
  const offset = useRef(0);
  const h = Math.max(1, height);
  if (selected < offset.current) offset.current = Math.max(0, selected);
  if (selected >= offset.current + h) offset.current = selected - h + 1;
  offset.current = Math.max(0, Math.min(offset.current, total - h));
  return offset.current;
}
