#!/usr/bin/env bash
# `npm run release`: builds msgtop and packs what a server needs into one
# tarball, ./msgtop-VERSION.tgz, that `npm install -g` installs with no
# compiler and no registry: the bundle (JS dependencies inlined), the addon
# (the CO-RE BPF object is embedded in it by the skeleton) and a package.json
# with no dependencies and no scripts, so installing runs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >&2

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# The same relative paths as in the checkout: the bundle finds the addon
# from its own location (repoRoot() in src/data/kernel/live.ts).
mkdir -p "$stage/dist" "$stage/native/build/Release"
cp dist/msgtop.mjs "$stage/dist/"
cp native/build/Release/msgtop.node "$stage/native/build/Release/"
cp README.md "$stage/"
node -e '
const p = require("./package.json");
const keep = ["name", "version", "description", "type", "license", "private", "bin", "engines"];
const out = Object.fromEntries(keep.filter((k) => k in p).map((k) => [k, p[k]]));
out.os = ["linux"];
out.cpu = ["x64"];
process.stdout.write(JSON.stringify(out, null, 2) + "\n");
' > "$stage/package.json"
npm pack --silent --pack-destination "$PWD" "$stage"
