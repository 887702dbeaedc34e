#!/usr/bin/env bash
# Times the search index on the Linux kernel source tree: the build (time, peak memory, size), an
# update after 10 files changed, and selective searches with the index against the same search
# without it (--no-index) and against ripgrep, with the same lines printed.
#
#   benches/index.sh            # 7 timed runs of each search
#   RUNS=15 benches/index.sh
#
# The tree is benches/compare.sh's (run it once first: it fetches the kernel source). The index goes
# to a temporary cache directory, removed at the end. Results: benches/results/index.md.
set -euo pipefail

cd "$(dirname "$0")/.."
CACHE=${BA_BENCH_DIR:-$HOME/.cache/ba-bench}
TREE=$CACHE/linux-source-6.1
RUNS=${RUNS:-7}
RESULTS=benches/results
mkdir -p "$RESULTS"
export PATH="$HOME/.cargo/bin:$PATH"
[ -d "$TREE" ] || { echo "no kernel tree at $TREE: run benches/compare.sh first" >&2; exit 2; }
for tool in rg hyperfine python3; do
    command -v $tool >/dev/null || { echo "$tool is needed (benches/compare.sh installs it)" >&2; exit 2; }
done
cargo build --release --quiet
BA=$PWD/target/release/ba
XDG_CACHE_HOME=$(mktemp -d)
export XDG_CACHE_HOME
trap 'rm -rf "$XDG_CACHE_HOME"' EXIT
OUT=$RESULTS/index.md
files=$($BA --files -d "$TREE" | wc -l)
tree_bytes=$(du -sb --apparent-size "$TREE" | cut -f1)

# --- build and update ---------------------------------------------------------------------------
build=$( { /usr/bin/time -f '%e %M' "$BA" --index-build -d "$TREE" >/dev/null; } 2>&1 | tail -1)
index_bytes=$(du -sb "$XDG_CACHE_HOME/ba/index" | cut -f1)
# Files changed within two seconds of a build are always read: let the tree be older than that.
sleep 2.1
mapfile -t touched < <(find "$TREE/drivers/net" -name '*.c' | sort | sed -n '1,10p')
touch "${touched[@]}"
update=$( { /usr/bin/time -f '%e %M' "$BA" --index-build -d "$TREE" >/dev/null; } 2>&1 | tail -1)
sleep 2.1

# --- searches -----------------------------------------------------------------------------------
# name|pattern: ba runs with -p (smart case), rg with -S; no ignore rules differ between them here.
CASES=(
    "literal|PM_RESUME"
    "literal, any case|(?i)pm_resume"
    "4-way alternation|PM_RESUME|PM_SUSPEND|pm_runtime_get_sync|DEVICE_ATTR_RO"
    "no file matches (the walk and a stat per file)|zqxjkzqxjk"
    "no trigram (reads every file)|\\bx[0-9][a-f]\\b"
)
median() { python3 -c 'import json,sys,statistics; print("%.3f" % statistics.median(json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]["times"]))' "$@"; }
{
    echo "Machine: $(nproc) cores, $(uname -r), $(date -u +%F). ba $($BA --version | head -1 | cut -d' ' -f2), $(rg --version | head -1)."
    echo
    echo "Tree: $files files, $((tree_bytes / 1048576)) MiB. Build: ${build% *} s, peak $(( ${build#* } / 1024 )) MiB, index $((index_bytes / 1048576)) MiB. Update after touching 10 files: ${update% *} s, peak $(( ${update#* } / 1024 )) MiB."
    echo
    echo "| search | lines | ba (index) | ba --no-index | rg | ba/rg | index/no-index |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
} >"$OUT"
for case in "${CASES[@]}"; do
    name=${case%%|*}; pattern=${case#*|}
    # Exit code 1 (no match) is an answer too.
    with=$( ($BA -p "$pattern" -d "$TREE" || true) | sort | md5sum)
    without=$( ($BA -p --no-index "$pattern" -d "$TREE" || true) | sort | md5sum)
    ripgrep=$( (rg -S -n --no-heading "$pattern" "$TREE" || true) | sort | md5sum)
    lines=$( ($BA -p "$pattern" -d "$TREE" || true) | wc -l)
    if [ "$with" != "$without" ] || [ "$with" != "$ripgrep" ]; then
        echo "| $name | $lines | differs from --no-index or rg: not timed | | | | |" >>"$OUT"
        continue
    fi
    hyperfine -N -i -w 2 -r "$RUNS" --export-json /tmp/ba-index-bench.json \
        "$BA -p '$pattern' -d $TREE" "$BA -p --no-index '$pattern' -d $TREE" "rg -S -n --no-heading '$pattern' $TREE" >/dev/null
    a=$(median /tmp/ba-index-bench.json 0); b=$(median /tmp/ba-index-bench.json 1); r=$(median /tmp/ba-index-bench.json 2)
    shown=${pattern//|/\\|}
    echo "| $name (\`$shown\`) | $lines | $a | $b | $r | **$(python3 -c "print('%.2f' % ($a/$r))")** | $(python3 -c "print('%.2f' % ($a/$b))") |" >>"$OUT"
done
walk=$(hyperfine -N -w 2 -r "$RUNS" --export-json /tmp/ba-index-bench.json "$BA --files -d $TREE" >/dev/null && median /tmp/ba-index-bench.json 0)
echo >>"$OUT"
echo "The walk alone (\`ba --files\`): $walk s." >>"$OUT"
cat "$OUT"
