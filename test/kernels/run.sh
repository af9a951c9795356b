#!/usr/bin/env bash
# `npm run test:kernels [LABEL…]`: boots Debian 12's kernels under qemu (TCG:
# nested KVM did not get past the BIOS here) with a guest built from the
# release tarball, and fails unless every guest boots, passes the tests that
# apply to its kernel and powers off in time, and unless the tax figures
# (test/kernels/tax.ts) show the modes without syscall tracepoints leaving
# unrelated syscalls alone. Fresh Debian 12, root: installs what it needs.
# Kernels are cached in $MSGTOP_KERNEL_CACHE.
set -euo pipefail
cd "$(dirname "$0")/../.."

CACHE=${MSGTOP_KERNEL_CACHE:-/var/cache/msgtop-kernels}
OUT=test/kernels/.output
GUEST_TIMEOUT=${MSGTOP_GUEST_TIMEOUT:-420}
# label, apt meta-package naming the newest kernel of the series, the probe
# modes msgtop must run there (the one auto picks first), and whether it
# runs by default: 6.12-rt runs only when named (`npm run test:kernels --
# 6.12-rt`), since the three together take longer than CI's 10 minutes.
KERNELS=(
	"6.1 linux-image-cloud-amd64 fexit,syscalls default"
	"6.12 linux-image-6.12-cloud-amd64 sock,fexit,syscalls default"
	"6.12-rt linux-image-6.12-rt-amd64 sock,fexit,syscalls named"
)

need=(qemu-system-x86 busybox-static cpio util-linux coreutils tmux)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	echo "test:kernels: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash scripts/setup.sh --test
make -s kernels-tools
tarball=$(npm run -s release | tail -n1)

# The newest kernel of a series: its vmlinuz, extracted once into the cache.
kernel_image() {
	local meta=$1 pkg deb
	pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-/ {print $2; exit}')
	if [[ -z "$pkg" ]]; then
		apt-get update -qq >/dev/null
		pkg=$(apt-cache depends "$meta" | awk '/Depends: linux-image-/ {print $2; exit}')
	fi
	[[ -n "$pkg" ]] || { echo "test:kernels: apt knows no kernel for $meta" >&2; return 1; }
	mkdir -p "$CACHE"
	if [[ ! -f "$CACHE/$pkg.vmlinuz" ]]; then
		(cd "$CACHE" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2 || true)
		deb=$(ls "$CACHE/${pkg}_"*.deb | head -n1)
		dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards './boot/vmlinuz-*' > "$CACHE/$pkg.vmlinuz.part"
		mv "$CACHE/$pkg.vmlinuz.part" "$CACHE/$pkg.vmlinuz"
	fi
	echo "$pkg"
}

# Copies programs (and the shared libraries ldd names) into the guest root.
copy_bins() {
	local root=$1 f
	shift
	for f in "$@" $(ldd "$@" 2>/dev/null | grep -o '/[^ ]*' | grep -v ':$' | sort -u); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
}

build_initramfs() {
	local root=$1/root
	mkdir -p "$root"/{bin,etc,pkg,root,t/bin,usr/bin}
	cp /bin/busybox "$root/bin/busybox"
	cp test/kernels/init.sh "$root/init"
	printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
	printf 'root:x:0:\n' > "$root/etc/group"
	# What a server has: Node (with npm) and Debian's runtime libraries of the
	# addon (libbpf1, libelf1, zlib, libstdc++), plus coreutils' env for the
	# bundle's `#!/usr/bin/env -S node …`.
	copy_bins "$root" /usr/bin/node /usr/bin/env
	copy_bins "$root" /lib/x86_64-linux-gnu/libbpf.so.1 /lib/x86_64-linux-gnu/libelf.so.1 \
		/lib/x86_64-linux-gnu/libz.so.1 /lib/x86_64-linux-gnu/libstdc++.so.6 /lib/x86_64-linux-gnu/libgcc_s.so.1
	mkdir -p "$root/usr/lib/node_modules"
	cp -a /usr/lib/node_modules/npm "$root/usr/lib/node_modules/"
	ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/bin/npm"
	cp "$tarball" "$root/pkg/"
	# Test tooling, carried apart from msgtop: tmux (and its terminfo),
	# util-linux's setpriv and taskset, the static workload and program lister.
	copy_bins "$root" /usr/bin/tmux /usr/bin/setpriv /usr/bin/taskset
	mkdir -p "$root/lib" "$root/usr/lib/locale"
	cp -a /lib/terminfo "$root/lib/"
	cp -a /usr/lib/locale/C.utf8 "$root/usr/lib/locale/" # tmux wants UTF-8
	cp "$OUT/msggen" "$OUT/bpfprogs" bench/.output/floor bench/.output/floor.bpf.o "$root/t/bin/"
	# The compiled tests. detail.test drives the data layer in-process: it
	# loads the addon the tarball installed (native/ → the installed package).
	printf '{"type":"module"}\n' > "$root/t/package.json"
	mkdir -p "$root/t/dist/test" "$root/t/node_modules"
	cp -a dist/test/integration dist/test/e2e dist/test/kernels "$root/t/dist/test/"
	cp -a dist/src "$root/t/dist/"
	cp -a node_modules/ipaddr.js "$root/t/node_modules/"
	ln -s /usr/lib/node_modules/msgtop/native "$root/t/native"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$1/initrd.gz"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT/logs"
t0=$(date +%s)
build_initramfs "$work"
echo "test:kernels: guest initramfs from $tarball, $(du -m "$work/initrd.gz" | cut -f1) MB, built in $(($(date +%s) - t0)) s"

# Each kernel boots twice: the tests (2 CPUs), then the tax: one CPU under
# qemu's -icount, where the guest's clock advances by one nanosecond per
# guest instruction, so CPU time in the guest counts instructions and the
# ratios do not depend on the host's load. MSGTOP_KERNEL_BOOTS=tax (or
# tests) boots only one of them.
BOOTS=${MSGTOP_KERNEL_BOOTS:-tests,tax}
ICOUNT=shift=0,sleep=off

# boot LABEL RUN PKG MODES QEMU-ARGS…: one guest; appends its line to summary.
boot() {
	local label=$1 run=$2 pkg=$3 modes=$4 log start status wall result booted tests figures line
	shift 4
	log="$OUT/logs/$label.log"
	[[ $run == tests ]] || log="$OUT/logs/$label.$run.log"
	echo "test:kernels: $label $run: booting $pkg (expects probe modes $modes)"
	start=$(date +%s.%N)
	status=0
	timeout -k 5 "$GUEST_TIMEOUT" qemu-system-x86_64 -m 3072 -cpu max "$@" \
		-kernel "$CACHE/$pkg.vmlinuz" -initrd "$work/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1 msgtop.probes=$modes msgtop.run=$run" \
		-display none -monitor none -serial "file:$log" -no-reboot </dev/null || status=$?
	wall=$(echo "$(date +%s.%N) - $start" | bc)
	tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"
	step_at() { awk -v s="$1" '$1 == "MSGTOP-GUEST" && $2 == "STEP" && $3 == s {print $4}' "$log"; }
	result=$(awk '$1 == "MSGTOP-GUEST" && $2 == "RESULT" {print $3}' "$log")
	booted=$(step_at install)
	tests=$(echo "$(step_at end) - ${booted:-0}" | bc 2>/dev/null || echo '?')
	figures=$(sed -n 's/^FIGURES //p' "$log")
	grep -E '^(ℹ|#) (tests|pass|fail|duration_ms) ' "$log" | sed "s/^/  $label /" || true
	if [[ "$result" != PASS || $status -ne 0 ]]; then
		failed=1
		echo "test:kernels: $label $run: FAIL (qemu exit $status, guest result '${result:-none}'; log $log):"
		grep -E '^MSGTOP-GUEST FAIL|^✖|^not ok|^ *(Error|AssertionError)' "$log" | tail -n 40 | sed 's/^/  /'
	fi
	line=$(printf '%-8s %-5s %-40s %-4s boot %5ss  install+%-5s %6ss  wall %6.1fs' \
		"$label" "$run" "$pkg" "${result:-FAIL}" "${booted:-?}" "$run" "$tests" "$wall")
	if [[ -n "$figures" ]]; then
		line+=$(node -e '
const f = JSON.parse(process.argv[1]);
const r = (x) => `${x.ratio.toFixed(3)}x (${Math.min(...x.ratios).toFixed(3)}-${Math.max(...x.ratios).toFixed(3)}, ${Math.round(x.off_ns)}->${Math.round(x.on_ns)} ns)`;
process.stdout.write(` (ratio of medians; range of ${2 * f.cycles} runs, ns per op off->on)`);
for (const [k, v] of Object.entries(f.figures)) process.stdout.write(`\n      ${k.padEnd(22)} getppid ${r(v.getppid)}  sendmsg ${r(v.sendmsg)}`);
' "$figures")
	fi
	echo "test:kernels: $line"
	summary+=("$line")
}

only=("$@")
failed=0
summary=()
for entry in "${KERNELS[@]}"; do
	read -r label meta modes when <<<"$entry"
	if ((${#only[@]})); then
		[[ " ${only[*]} " == *" $label "* ]] || continue
	elif [[ $when != default ]]; then
		continue
	fi
	pkg=$(kernel_image "$meta")
	[[ ,$BOOTS, != *,tests,* ]] || boot "$label" tests "$pkg" "$modes" -smp 2
	[[ ,$BOOTS, != *,tax,* ]] || boot "$label" tax "$pkg" "$modes" -smp 1 -icount "$ICOUNT"
done
echo "test:kernels: summary (tax: guest CPU time per op with the tracer attached ÷ without, one CPU under -icount $ICOUNT)"
printf '  %s\n' "${summary[@]}"
echo "test:kernels: total $(($(date +%s) - t0)) s"
exit $failed
