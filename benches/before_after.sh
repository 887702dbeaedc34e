#!/usr/bin/env bash
# Times two builds of ba against each other, interleaved (one run of each in turn, so that a noisy
# machine slows both alike), on compare.sh's tree and 1 GiB file (its cases, and its modes table's
# `-w 16`), and prints the median of each and their ratio. Both must print the same number of
# lines, or the case is reported, not timed.
#
#   benches/before_after.sh OLD_BA NEW_BA            # 9 rounds
#   ROUNDS=15 benches/before_after.sh OLD_BA NEW_BA
#
# The corpora are compare.sh's ($BA_BENCH_DIR, default ~/.cache/ba-bench): run it once first.
set -euo pipefail

old=${1:?usage: before_after.sh OLD_BA NEW_BA}
new=${2:?usage: before_after.sh OLD_BA NEW_BA}
CACHE=${BA_BENCH_DIR:-$HOME/.cache/ba-bench}
TREE=$CACHE/linux-source-6.1
BIG=$CACHE/linux-1GiB.txt
ROUNDS=${ROUNDS:-9}
[ -d "$TREE" ] && [ -f "$BIG" ] || { echo "no corpus in $CACHE: run benches/compare.sh once" >&2; exit 2; }

SEL="-uu --no-default-ignore"
CASES=(
    "tree literal|-p $SEL -l PM_RESUME $TREE"
    "tree literal -i|-p $SEL --ignore-case PM_RESUME $TREE"
    "tree alternates|-p $SEL -l ERR_SYS|PME_TURN_OFF|LINK_REQ_RST|CFG_BME_EVT $TREE"
    "tree every hit|-p $SEL -l return $TREE"
    "tree -w 16|-p $SEL -l -w 16 PM_RESUME $TREE"
    "file literal|-p -l PM_RESUME $BIG"
    "file literal -i|-p --ignore-case PM_RESUME $BIG"
    "file no literal|-p -l \\w{5}\\s+\\w{5}\\s+\\w{5}\\s+\\w{5}\\s+\\w{5} $BIG"
)

python3 - "$old" "$new" "$ROUNDS" "${CASES[@]}" <<'EOF'
import shlex, statistics, subprocess, sys, time
old, new, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
print(f"| case | before (s) | after (s) | after/before |")
print(f"|---|---:|---:|---:|")
for spec in sys.argv[4:]:
    name, args = spec.split("|", 1)
    # The alternation's `|` is part of the pattern: split the arguments by hand, pattern and all.
    words = args.split(" ")
    def run(ba):
        start = time.perf_counter()
        out = subprocess.run([ba, *words], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return time.perf_counter() - start, out.stdout.count(b"\n")
    (_, lines_old), (_, lines_new) = run(old), run(new)
    if lines_old != lines_new:
        print(f"| {name} | {lines_old} lines | {lines_new} lines | differ |")
        continue
    times = {old: [], new: []}
    for i in range(rounds):
        for ba in ((old, new) if i % 2 == 0 else (new, old)):
            times[ba].append(run(ba)[0])
    a, b = statistics.median(times[old]), statistics.median(times[new])
    print(f"| {name} | {a:.3f} | {b:.3f} | {b / a:.3f} |", flush=True)
EOF
