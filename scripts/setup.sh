#!/usr/bin/env bash
# Sets up everything msgtop needs on Debian 12 and builds it; cheap to re-run
# (each step is skipped when already done). `--test` adds the real programs
# the tests and benchmarks drive. Used by `npm start`, `npm test`, `npm run bench`.
set -euo pipefail
cd "$(dirname "$0")/.."

# clang compiles the BPF C; libbpf-dev is the shared libbpf the addon links
# (Debian's static libbpf.a is not -fPIC); bpftool generates the skeleton.
packages=(clang libbpf-dev bpftool make g++ python3)
if [[ "${1:-}" == "--test" ]]; then
	# prometheus (with promtool) scrapes `msgtop --prometheus` in the tests;
	# iproute2 gives ss, to see where it listens.
	packages+=(strace dnsmasq-base bind9-dnsutils tmux bpftrace procps prometheus iproute2)
fi

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $EUID -ne 0 ]] || ! command -v apt-get >/dev/null; then
		echo "msgtop: missing Debian packages ${missing[*]}; install them as root with: apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	echo "msgtop setup: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# The package starts its own server on *:9090 under systemd; the tests run
	# a private one on loopback, so the one we just installed is switched off.
	if [[ " ${missing[*]} " == *" prometheus "* && -d /run/systemd/system ]]; then
		systemctl disable --now prometheus.service >/dev/null 2>&1 || true
	fi
fi

# npm ci only when the lock file changed since the last install.
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -d node_modules || "$(cat node_modules/.msgtop-lock 2>/dev/null)" != "$lock_sum" ]]; then
	echo "msgtop setup: npm ci" >&2
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	echo "$lock_sum" > node_modules/.msgtop-lock
fi

make -s
if [[ ! -f dist/.built ]] || [[ -n "$(find src test bench scripts/bundle.mjs tsconfig.json package-lock.json -newer dist/.built -print -quit 2>/dev/null)" ]]; then
	npx tsc -p tsconfig.json
	node scripts/bundle.mjs
	touch dist/.built
fi
