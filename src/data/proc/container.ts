// cgroup v2 path → short container id. Runtimes name a container's cgroup
// after its 64-hex id: docker-<id>.scope (systemd driver), /docker/<id>
// (cgroupfs driver), cri-containerd-<id>.scope, crio-<id>.scope,
// libpod-<id>.scope (podman), and under /kubepods…/pod<uid>/<id>.
const SCOPE = /^(?:docker|cri-containerd|crio|libpod)-([0-9a-f]{64})\.scope$/;
const BARE = /^[0-9a-f]{64}$/;
const BARE_PARENT = /^(?:docker|libpod|crio|containerd)$|^kubepods|^pod/;

/** The first 12 hex digits of the innermost container id, or null. */
export function containerId(cgroupPath: string): string | null {
  const parts = cgroupPath.split('/');
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i]!;
    const scoped = SCOPE.exec(part);
    if (scoped) return scoped[1]!.slice(0, 12);
    if (BARE.test(part) && i > 0 && BARE_PARENT.test(parts[i - 1]!)) return part.slice(0, 12);
  }
  return null;
}

/** The cgroup v2 path from /proc/PID/cgroup text ("0::/path"); "" if none. */
export function cgroupV2Path(procCgroup: string): string {
  for (const line of procCgroup.split('\n')) {
    if (line.startsWith('0::')) return line.slice(3);
  }
  return '';
}
