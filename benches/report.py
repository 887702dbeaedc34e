#!/usr/bin/env python3
"""Turns compare.sh's hyperfine results into a markdown table and an SVG chart of ba/rg ratios.

Usage: report.py CASES.txt MODES.txt RESULTS_DIR [MEMORY.txt]
"""
import json
import os
import platform
import subprocess
import sys
import time

TOOLS = ["ba -p", "ba --pretty", "rg", "grep", "ugrep"]


def version(command):
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=False).stdout
        return out.splitlines()[0].strip() if out else "?"
    except OSError:
        return "?"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {mem:.0f} GiB, {platform.system()} {platform.release()}"


def main():
    cases_file, modes_file, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    memory_file = sys.argv[4] if len(sys.argv) > 4 else None
    rows = []
    for line in open(cases_file):
        fields = line.rstrip("\n").split("\t")
        name = fields[0]
        if fields[1].startswith("ERROR"):
            rows.append((name, fields[1], {}, ""))
            continue
        lines, json_path, notes = fields[1], fields[2], fields[3] if len(fields) > 3 else ""
        medians = {}
        for result in json.load(open(json_path))["results"]:
            medians[result["command"]] = result["median"]
        rows.append((name, lines, medians, notes))

    md = [
        f"Machine: {machine()}. {time.strftime('%Y-%m-%d')}.",
        "",
        "Tools: " + "; ".join([version(["target/release/ba", "--version"]), version(["rg", "--version"]),
                               version(["grep", "--version"]), version(["ugrep", "--version"])]) + ".",
        "",
        "Median seconds (warm cache, output through a pipe); ratio < 1 means ba is faster than rg.",
        "",
        "| case | lines | " + " | ".join(TOOLS) + " | ba/rg (-p) | ba/rg (pretty) |",
        "|---|---:|" + "---:|" * (len(TOOLS) + 2),
    ]
    chart = []
    for name, lines, medians, notes in rows:
        if not medians:
            md.append(f"| {name} | {lines} |" + " |" * (len(TOOLS) + 2))
            continue
        cells = [f"{medians[t]:.3f}" if t in medians else "n/a" for t in TOOLS]
        rg = medians["rg"]
        pipe, pretty = medians["ba -p"] / rg, medians["ba --pretty"] / rg
        chart.append((name, pipe, pretty))
        md.append(f"| {name} | {lines} | " + " | ".join(cells) + f" | **{pipe:.2f}** | {pretty:.2f} |")
        if notes:
            md.append(f"|  | {notes.strip()} |" + " |" * (len(TOOLS) + 2))
    md += modes(modes_file)
    if memory_file:
        md += ["", "Peak memory (max RSS):", ""]
        md += [f"- {line.strip()}" for line in open(memory_file) if line.strip()]
    text = "\n".join(md) + "\n"
    with open(os.path.join(out_dir, "latest.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out_dir, "latest.svg"), "w") as f:
        f.write(svg(chart))
    print(text)


def modes(modes_file):
    """The second table: A (ba) against B (its baseline), and C where given; ratio A/B."""
    md = ["", "Modes and scaling: median seconds; A is ba, B its baseline, C a third reference.", "",
          "| case | lines | A | B | C | A/B |", "|---|---:|---:|---:|---:|---:|"]
    commands = []
    for line in open(modes_file):
        fields = line.rstrip("\n").split("\t")
        name = fields[0]
        if fields[1].startswith("ERROR"):
            md.append(f"| {name} | {fields[1]} | | | | |")
            continue
        lines, json_path, a, b, c = fields[1:6]
        medians = {r["command"]: r["median"] for r in json.load(open(json_path))["results"]}
        cells = [f"{medians[k]:.3f}" if k in medians else "" for k in ("A", "B", "C")]
        md.append(f"| {name} | {lines} | " + " | ".join(cells) + f" | **{medians['A'] / medians['B']:.2f}** |")
        commands.append(f"- {name}: A `{short(a)}`; B `{short(b)}`" + (f"; C `{short(c)}`" if c else ""))
    if len(md) == 5:
        return []
    return md + [""] + commands


def short(command):
    """A command as the table shows it: the binary and corpus paths shortened."""
    return " ".join(os.path.basename(w) if w.startswith("/") else w for w in command.split())


def svg(chart):
    """Horizontal bars of ba/rg per case: below the 1.0 line ba is faster."""
    bar, gap, left, width = 11, 8, 170, 420
    top = 40
    height = top + len(chart) * (2 * bar + gap) + 40
    scale = width / max([1.5] + [max(p, q) for _, p, q in chart])
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 60}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{left}" y="18" font-size="13">ba time / ripgrep time (lower is better)</text>',
        f'<rect x="{left}" y="24" width="10" height="10" fill="#2b6cb0"/>'
        f'<text x="{left + 14}" y="33">ba -p</text>',
        f'<rect x="{left + 70}" y="24" width="10" height="10" fill="#9ac1e8"/>'
        f'<text x="{left + 84}" y="33">ba --pretty (with summary)</text>',
    ]
    y = top
    for name, pipe, pretty in chart:
        out.append(f'<text x="{left - 6}" y="{y + bar + 4}" text-anchor="end">{name}</text>')
        for value, color in ((pipe, "#2b6cb0"), (pretty, "#9ac1e8")):
            out.append(f'<rect x="{left}" y="{y}" width="{value * scale:.1f}" height="{bar}" fill="{color}"/>')
            out.append(f'<text x="{left + value * scale + 4:.1f}" y="{y + bar - 2}">{value:.2f}</text>')
            y += bar
        y += gap
    x1 = left + scale
    out.append(f'<line x1="{x1:.1f}" y1="{top - 4}" x2="{x1:.1f}" y2="{y}" stroke="#c53030" '
               'stroke-dasharray="4 3"/>')
    out.append(f'<text x="{x1:.1f}" y="{y + 14}" text-anchor="middle" fill="#c53030">1.0 = ripgrep</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
