#!/bin/busybox sh
# /init of a kernel guest (built by test/kernels/run.sh). The guest is the
# server of the README's "Install on a server": Node, the runtime libraries
# and the release tarball, no compiler, no bpftool. It installs the tarball,
# runs the integration tests that apply to its kernel against the installed
# msgtop, prints one RESULT line and powers off. A boot with msgtop.run=tax
# (one CPU, qemu -icount) installs and measures the tax instead.
export PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/root SHELL=/bin/sh TERM=screen CI=true
# tmux insists on a UTF-8 locale (the host's C.utf8 is carried).
export LC_ALL=C.UTF-8
/bin/busybox mkdir -p /proc /sys /dev /tmp /root
/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
# devtmpfs first: background jobs of this shell need /dev/null.
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
mount -t sysfs sysfs /sys
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /tmp
ip link set lo up

now() { cut -d' ' -f1 /proc/uptime; }
result=PASS
fail() { echo "MSGTOP-GUEST FAIL $*"; result=FAIL; }
step() { echo "MSGTOP-GUEST STEP $1 $(now)"; }
# The host says which probe modes this kernel must run, auto's pick first.
modes=$(sed -n 's/.*msgtop\.probes=\([a-z,]*\).*/\1/p' /proc/cmdline)
run=$(sed -n 's/.*msgtop\.run=\([a-z]*\).*/\1/p' /proc/cmdline)
echo "MSGTOP-GUEST BOOTED $(uname -r) modes=$modes run=$run"

step install
for tool in cc gcc clang make bpftool; do
	if command -v "$tool" >/dev/null; then fail "the guest has $tool"; fi
done
npm install -g --offline --no-audit --no-fund --no-update-notifier /pkg/msgtop-*.tgz || fail "npm install -g of the tarball"
cli=$(readlink -f "$(command -v msgtop)")
echo "MSGTOP-GUEST msgtop is $cli"

export MSGTOP_CLI="$cli" MSGTOP_MSGGEN=/t/bin/msggen MSGTOP_PROG_LIST=/t/bin/bpfprogs MSGTOP_PROBES="$modes"
if [ "$run" = tax ]; then
	step tax
	node /t/dist/test/kernels/tax.js || fail "tax"
	step end
	echo "MSGTOP-GUEST RESULT $result"
	sync
	poweroff -f
fi

step smoke
msgtop --json --iterations 1 --interval 0.2 || fail "msgtop --json"

step tests
# TCG on a shared 2-CPU host: msgtop was seen starved for 20 s at a time.
export MSGTOP_TIME_SCALE=4
# Exits on this kernel, in the mode auto picks: a churn sized for TCG, where
# a fork costs milliseconds.
MSGTOP_PROBES=${modes%%,*} MSGTOP_CHURN_CHILDREN=3000 node --test /t/dist/test/integration/churn.test.js || fail "churn test"
node --test --test-concurrency=1 \
	/t/dist/test/integration/counts.test.js \
	/t/dist/test/integration/detail.test.js \
	/t/dist/test/integration/lifecycle.test.js \
	/t/dist/test/e2e/tui.test.js || fail "integration tests"

step end
echo "MSGTOP-GUEST RESULT $result"
sync
poweroff -f
