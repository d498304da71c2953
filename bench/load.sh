#!/usr/bin/env bash
# Load on `unspace serve` over loopback: wrk (one thread, so that it takes as little
# of the machine as it can), 64 connections for 10 s per query,
# against a generated corpus (examples/gen_corpus, from tests/corpus) or the
# repository's data/. Prints, per query: requests/s, latency p50 and p99, errors
# (socket errors and non-2xx answers), then the server's peak RSS (VmHWM) over the
# whole run. A benchmark, not a test: it asserts nothing.
#
#   bench/load.sh                # the 100 MB generated corpus
#   bench/load.sh 10             # 10 MB
#   bench/load.sh default        # data/ (the default corpus)
#
# Needs wrk (`apt-get install wrk`) and a release build (made here). The issue's
# goal on 2 cores: 0 errors, p99 <= 50 ms, RSS <= 100 MB.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-100}
connections=${CONNECTIONS:-64}
seconds=${SECONDS_PER_QUERY:-10}
command -v wrk >/dev/null || { echo "bench/load.sh needs wrk: apt-get install wrk" >&2; exit 2; }

cargo build --release --locked --quiet
work=$(mktemp -d "${TMPDIR:-/tmp}/unspace-load-XXXXXX")
server=
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ "$what" = default ]; then
    data=$PWD/data
else
    cargo build --release --locked --quiet --example gen_corpus
    data=$work/data
    echo "generating $what MB…" >&2
    target/release/examples/gen_corpus "$data" "$what" --corpus tests/corpus >/dev/null
fi

# The index is built first, by `unspace index`, so that the server's peak RSS is
# that of serving, not of a first build.
echo "building the index…" >&2
target/release/unspace --data "$data" --index "$work/index" index 2>/dev/null
target/release/unspace --data "$data" --index "$work/index" serve --addr 127.0.0.1:0 \
    >"$work/url" 2>"$work/log" &
server=$!
for _ in $(seq 100); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(head -n1 "$work/url")
url=${url%/}
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/api/documents")" = 200 ]; do
    kill -0 "$server" 2>/dev/null || { cat "$work/log" >&2; exit 2; }
    sleep 0.5
done

# The queries of bench/run.py, one of each kind.
queries=(
    "%E7%A9%BA%E9%97%B4%E7%A2%8E%E7%89%87"                       # 空间碎片
    "%E5%92%8C%E5%B9%B3%E5%88%A9%E7%94%A8%E5%A4%96%E5%B1%82%E7%A9%BA%E9%97%B4%E5%A7%94%E5%91%98%E4%BC%9A" # 和平利用外层空间委员会
    "long-term+sustainability"
    "Estado+de+lanzamiento"
    "75%2F92"
)

printf '%s, %s connections, %s s per query, server %s\n' \
    "$([ "$what" = default ] && echo "data/" || echo "$what MB generated")" \
    "$connections" "$seconds" "$url"
printf '| query | requests/s | p50 | p99 | errors |\n|---|---|---|---|---|\n'
for q in "${queries[@]}"; do
    out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency "$url/api/search?q=$q")
    rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    socket=$(awk '/Socket errors/ {gsub(",", ""); print $4 + $6 + $8 + $10}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    name=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.unquote_plus(sys.argv[1]))' "$q")
    printf '| %s | %s | %s | %s | %s |\n' "$name" "$rps" "$p50" "$p99" "$(( ${socket:-0} + ${non2xx:-0} ))"
done
awk '/VmHWM/ {printf "server peak RSS (VmHWM): %.1f MB\n", $2 / 1024}' "/proc/$server/status"
