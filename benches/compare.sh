#!/usr/bin/env bash
# Times ba against ripgrep, GNU grep and ugrep on ripgrep's own benchmark cases, over the Linux kernel
# source tree and over one ~1 GiB file made from it, and writes a markdown table and an SVG chart.
#
#   benches/compare.sh              # all cases, 5 timed runs each
#   RUNS=10 benches/compare.sh      # more runs
#   benches/compare.sh --memory     # also peak memory on the tree and on synthetic 10k/1M-file trees
#   ONLY=literal,files_w1 benches/compare.sh    # only the cases named (both tables)
#
# A second table times ba's modes and its scaling against their ripgrep (or find) counterparts:
# --files-with-matches, -q, -c, context and --json against printing every hit, the walk alone
# (--files on one thread, against rg --files -j1 and find), and -w 16 against -w 2 on this machine
# (more threads than cores must not make ba slower: the 2-core proxy of scaling to 16 cores).
#
# It prepares what it needs when missing: the kernel source (Debian's linux-source-6.1, extracted to
# $BA_BENCH_DIR, default ~/.cache/ba-bench), the 1 GiB file, ripgrep (cargo install), hyperfine and
# ugrep (apt), and a release build of ba. Every tool searches the same files (no ignore files, hidden
# files included, binary files skipped) with line numbers; a case whose tools print different numbers
# of lines is reported, not timed. Results go to benches/results/.
set -euo pipefail

cd "$(dirname "$0")/.."
CACHE=${BA_BENCH_DIR:-$HOME/.cache/ba-bench}
CASES_WANTED=${ONLY:-}
RUNS=${RUNS:-5}
RESULTS=benches/results
MEMORY=0
[ "${1:-}" = "--memory" ] && MEMORY=1
mkdir -p "$CACHE" "$RESULTS"
export PATH="$HOME/.cargo/bin:$PATH"

apt_install() {
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# --- tools --------------------------------------------------------------------------------------
command -v hyperfine >/dev/null || apt_install hyperfine
command -v ugrep >/dev/null || apt_install ugrep
command -v rg >/dev/null || cargo install --locked ripgrep
# The -P cases need an rg with PCRE2: the one on the PATH if it has it, else one built with it apart.
RG_PCRE2=rg
if ! rg --pcre2-version >/dev/null 2>&1; then
    RG_PCRE2=$CACHE/rg-pcre2/bin/rg
    [ -x "$RG_PCRE2" ] || cargo install --locked ripgrep --features pcre2 --root "$CACHE/rg-pcre2"
fi
command -v python3 >/dev/null || apt_install python3
cargo build --release --quiet
BA=$PWD/target/release/ba

# --- corpora ------------------------------------------------------------------------------------
TREE=$CACHE/linux-source-6.1
if [ ! -d "$TREE" ]; then
    [ -f /usr/src/linux-source-6.1.tar.xz ] || apt_install linux-source-6.1
    echo "extracting the kernel source to $TREE" >&2
    tar -C "$CACHE" -xf /usr/src/linux-source-6.1.tar.xz
fi
BIG=$CACHE/linux-1GiB.txt
if [ ! -f "$BIG" ]; then
    echo "concatenating the tree's .c/.h/.rst files into $BIG" >&2
    # head closes the pipe at 1 GiB: the writers' SIGPIPE is expected.
    (find "$TREE" -type f \( -name '*.c' -o -name '*.h' -o -name '*.rst' \) -print0 | LC_ALL=C sort -z |
        xargs -0 cat | head -c $((1 << 30)) >"$BIG.tmp") || true
    mv "$BIG.tmp" "$BIG"
fi

# --- cases --------------------------------------------------------------------------------------
# name | target (tree or file) | pattern | case flag (s: sensitive, i: insensitive, w: word, p:
# sensitive with PCRE2, -P for every tool) | grep mode (E: grep -E in C locale, P: grep -P in a UTF-8
# locale, for \p and Unicode \w)
CASES=(
    "literal|tree|PM_RESUME|s|E"
    "literal_casei|tree|PM_RESUME|i|E"
    "literal_suffix|tree|[A-Z]+_RESUME|s|E"
    "word|tree|PM_RESUME|w|E"
    "unicode_greek|tree|\\p{Greek}|s|P"
    "unicode_greek_casei|tree|\\p{Greek}|i|P"
    "unicode_word|tree|\\wAh|s|P"
    "alternates|tree|ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT|s|E"
    "alternates_casei|tree|ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT|i|E"
    "no_literal|tree|\\w{5}\\s+\\w{5}\\s+\\w{5}\\s+\\w{5}\\s+\\w{5}|s|P"
    "file_literal|file|PM_RESUME|s|E"
    "file_literal_casei|file|PM_RESUME|i|E"
    "file_alternates|file|ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT|s|E"
    "file_alternates_casei|file|ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT|i|E"
    "file_no_literal|file|\\w{5}\\s+\\w{5}\\s+\\w{5}\\s+\\w{5}\\s+\\w{5}|s|P"
    "pcre2_lookahead|tree|PM_RESUME(?=_)|p|P"
    "pcre2_backreference|tree|(\\w+)_\\1|p|P"
    "file_pcre2_lookahead|file|PM_RESUME(?=_)|p|P"
    "file_pcre2_backreference|file|(\\w+)_\\1|p|P"
)

# name | command A (ba) | command B (the baseline) | command C (optional, a third reference)
# The ratio is A/B. A and B must print the same number of lines, unless the name ends in `*`.
SEL="-uu --no-default-ignore"
MODES=(
    "print_every_hit|$BA -p $SEL -l return $TREE|rg -n -uu -s return $TREE"
    "files_with_matches|$BA -p $SEL -l --files-with-matches return $TREE|rg -uu -s -l return $TREE"
    "quiet*|$BA $SEL -l -q return $TREE|rg -uu -s -q return $TREE"
    "count|$BA -p $SEL -l -c return $TREE|rg -uu -s -c return $TREE"
    "context_2|$BA -p $SEL -l -C 2 return $TREE|rg -n -uu -s -C 2 return $TREE"
    "json|$BA $SEL -l --json return $TREE|rg -uu -s --json return $TREE"
    "files|$BA $SEL --files $TREE|rg -uu --files $TREE"
    "files_w1|$BA $SEL --files -w 1 $TREE|rg -uu --files -j1 $TREE|find $TREE -type f"
    "oversubscribed_w16_vs_w2|$BA -p $SEL -l -w 16 PM_RESUME $TREE|$BA -p $SEL -l -w 2 PM_RESUME $TREE"
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
: >"$work/cases.txt"
: >"$work/modes.txt"
wanted() { [ -z "${CASES_WANTED:-}" ] || [[ ",$CASES_WANTED," == *",$1,"* ]]; }

for spec in "${CASES[@]}"; do
    # The pattern may hold '|': split off the fixed fields from both ends.
    name=${spec%%|*}; rest=${spec#*|}
    wanted "$name" || continue
    target=${rest%%|*}; rest=${rest#*|}
    gmode=${rest##*|}; rest=${rest%|*}
    cflag=${rest##*|}; pattern=${rest%|*}

    where=$TREE; [ "$target" = file ] && where=$BIG
    rg_bin=rg
    case $cflag in
        s) ba_case=-l; rg_case=-s; g_case=; ug_case= ;;
        p) ba_case="-l -P"; rg_case="-s -P"; g_case=; ug_case=; rg_bin=$RG_PCRE2 ;;
        i) ba_case=--ignore-case; rg_case=-i; g_case=-i; ug_case=-i ;;
        w) ba_case="-l --word-regexp"; rg_case="-s -w"; g_case=-w; ug_case=-w ;;
    esac
    if [ "$target" = tree ]; then
        ba_sel="-uu --no-default-ignore"; rg_sel="-uu"; g_sel="-rI"; ug_sel="-rI --hidden"
    else
        ba_sel=""; rg_sel=""; g_sel=""; ug_sel=""
    fi
    if [ "$gmode" = P ]; then
        g_env="LC_ALL=C.UTF-8"; g_re=-P; ug_re=-P
    else
        g_env="LC_ALL=C"; g_re=-E; ug_re=
    fi
    q="'$pattern'"
    ba_pipe="$BA -p $ba_sel $ba_case $q $where"
    ba_pretty="$BA --pretty --color always $ba_sel $ba_case $q $where"
    rg="$rg_bin -n $rg_sel $rg_case $q $where"
    grep="env $g_env grep -n $g_sel $g_re $g_case $q $where"
    ugrep="ugrep -n $ug_sel $ug_re $ug_case $q $where"

    # Same files, same output: count the lines each tool prints; ba -p is the reference.
    count() { sh -c "$1" 2>/dev/null | wc -l; }
    ref=$(count "$ba_pipe")
    timed=("$ba_pipe" "$ba_pretty" "$rg")
    labels=("ba -p" "ba --pretty" "rg")
    notes=""
    n=$(count "$rg")
    if [ "$n" != "$ref" ]; then
        echo "ERROR: $name: rg printed $n lines, ba $ref" >&2
        printf '%s\tERROR: rg printed %s lines, ba %s\n' "$name" "$n" "$ref" >>"$work/cases.txt"
        continue
    fi
    for tool in grep ugrep; do
        cmd=${!tool}
        n=$(count "$cmd")
        if [ "$n" = "$ref" ]; then
            timed+=("$cmd"); labels+=("$tool")
        else
            notes+="$tool: $n lines (not timed); "
        fi
    done
    echo "== $name: $ref lines" >&2
    args=()
    for i in "${!timed[@]}"; do args+=(-n "${labels[$i]}" "${timed[$i]}"); done
    hyperfine -N --style basic --warmup 1 --runs "$RUNS" --output=pipe \
        --export-json "$work/$name.json" "${args[@]}" >&2
    printf '%s\t%s\t%s\t%s\n' "$name" "$ref" "$work/$name.json" "$notes" >>"$work/cases.txt"
done

for spec in "${MODES[@]}"; do
    IFS='|' read -r name a b c <<<"$spec"
    exact=1
    [[ $name == *'*' ]] && { exact=0; name=${name%'*'}; }
    wanted "$name" || continue
    lines=$(sh -c "$a" 2>/dev/null | wc -l)
    if [ "$exact" = 1 ]; then
        n=$(sh -c "$b" 2>/dev/null | wc -l)
        if [ "$n" != "$lines" ]; then
            echo "ERROR: $name: the baseline printed $n lines, ba $lines" >&2
            printf '%s\tERROR: the baseline printed %s lines, ba %s\n' "$name" "$n" "$lines" >>"$work/modes.txt"
            continue
        fi
    fi
    echo "== $name: $lines lines" >&2
    args=(-n A "$a" -n B "$b")
    [ -n "${c:-}" ] && args+=(-n C "$c")
    # -q and the rest print little: the shell that hyperfine would need for a pipe is not needed.
    hyperfine -N --style basic --warmup 1 --runs "$RUNS" --output=pipe \
        --export-json "$work/mode-$name.json" "${args[@]}" >&2
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$lines" "$work/mode-$name.json" "$a" "$b" "${c:-}" >>"$work/modes.txt"
done

if [ "$MEMORY" = 1 ]; then
    peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n1; }
    {
        echo "tree	ba -p PM_RESUME	$(peak "$BA" -p -uu --no-default-ignore -l PM_RESUME "$TREE") KiB"
        echo "tree	rg PM_RESUME	$(peak rg -n -uu PM_RESUME "$TREE") KiB"
        for n in 10000 1000000; do
            dir=$CACHE/small-files-$n
            if [ ! -d "$dir" ]; then
                echo "creating $n small files in $dir" >&2
                python3 - "$dir" "$n" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, f"{i // 1000:04d}")
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i}.txt"), "w") as f:
        f.write(f"line one of file {i}\nPM_RESUME {i}\n" if i % 100 == 0 else f"line one of file {i}\n")
EOF
            fi
            echo "$n files	ba -p PM_RESUME	$(peak "$BA" -p -l PM_RESUME "$dir") KiB"
        done
    } >"$work/memory.txt"
fi

memory_file=""
[ "$MEMORY" = 1 ] && memory_file=$work/memory.txt
python3 benches/report.py "$work/cases.txt" "$work/modes.txt" "$RESULTS" $memory_file
