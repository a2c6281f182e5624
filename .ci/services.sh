#!/usr/bin/env bash
# System packages and services the tests need, for CI on a fresh machine (run by .ci/run).
set -euo pipefail
# A Japanese font for the replay chart's labels (kofuplan replay; tests/integration/test_replay*).
if ! fc-list :lang=ja 2>/dev/null | grep -q .; then
  if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq fontconfig fonts-ipafont-gothic >/dev/null
  else
    echo "services.sh: no Japanese font and no apt-get; install fonts-ipafont-gothic" >&2
  fi
fi
