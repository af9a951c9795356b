// The first k of n items in a total order without sorting all n: the table
// shows one screenful of what may be thousands of processes.

/**
 * Indexes (0..n-1) of the `k` smallest items by `cmp`, in order. `cmp` must
 * be a total order (no two items equal) for the result to match a full sort.
 */
export function smallest(n: number, k: number, cmp: (a: number, b: number) => number): number[] {
  const size = Math.max(0, Math.min(k, n));
  // A max-heap of the best `size` so far: the root is the worst of them.
  const heap: number[] = [];
  const swap = (i: number, j: number) => {
    const t = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = t;
  };
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (cmp(heap[i]!, heap[parent]!) <= 0) return;
      swap(i, parent);
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && cmp(heap[l]!, heap[worst]!) > 0) worst = l;
      if (r < heap.length && cmp(heap[r]!, heap[worst]!) > 0) worst = r;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };
  for (let i = 0; i < n && size > 0; i++) {
    if (heap.length < size) {
      heap.push(i);
      up(heap.length - 1);
    } else if (cmp(i, heap[0]!) < 0) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort(cmp);
}
