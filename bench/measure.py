"""Load a tier of the public site and its baseline with wrk, alternating, and summarise.

    measure.py run --label small-on --tier on --static URL --django URL [options]
    measure.py report bench/results/*.json

`run` warms both servers up, then for each round loads the baseline and then the tier
being measured with the same wrk settings (baseline, tier, baseline, tier, ...), so drift
on the machine hits both alike. It prints, per target, requests per second (median and
min–max over the rounds), the medians of p50 and p99 latency, and the ratio of the
tier's median to the baseline's, and writes everything to a JSON file.

The tiers, each against the baseline its goal is stated for:
- `varnish`: the seed page through Varnish, against the same bytes from nginx;
- `on`: Django's cache framework (no Varnish), against the bytes from a minimal WSGI app
  under the same gunicorn;
- `off`: rendered afresh on every request, against that same WSGI app.

`report` reads those files and prints the final table: every tier on the small database,
the grown database where it was measured, the goals, and how the grown database compares.

Standard library only: it runs with any Python 3.11.
"""

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LUA = HERE / "wrk_report.lua"
MARKER = "BENCH_JSON "

# Each tier's goal: its share of its baseline's throughput.
TARGETS = {"varnish": 0.9, "on": 0.25, "off": 0.11}
TIERS = {
    "varnish": "through Varnish vs nginx serving the bytes from a file",
    "on": "Django's cache framework vs the bytes from a WSGI app",
    "off": "rendered afresh (≤ 2 queries) vs the bytes from a WSGI app",
}
# The grown database may cost at most this much more than the small one.
GROWTH_TOLERANCE = 0.10


def wrk(url: str, args: argparse.Namespace, duration: str) -> dict:
    command = [
        "wrk",
        f"--threads={args.threads}",
        f"--connections={args.connections}",
        f"--duration={duration}",
        "--timeout=10s",
        "--latency",
        f"--script={LUA}",
        *(item for header in args.header for item in ("-H", header)),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.exit(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    line = next((x for x in done.stdout.splitlines() if x.startswith(MARKER)), None)
    if line is None:
        sys.exit(f"wrk printed no result line:\n{done.stdout}\n{done.stderr}")
    result = json.loads(line[len(MARKER) :])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["bytes_per_response"] = result["bytes"] / max(result["requests"], 1)
    result["errors"] = sum(v for k, v in result.items() if k.startswith("errors_"))
    result["wrk_text"] = done.stdout
    return result


def load_average() -> float | None:
    """The machine's 1-minute load average (Linux), to tell a quiet run from a busy one."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def summarise(runs: list[dict]) -> dict:
    rps = [r["rps"] for r in runs]
    median_rps = statistics.median(rps)
    return {
        "rps_median": median_rps,
        "rps_min": min(rps),
        "rps_max": max(rps),
        "rps_spread_pct": 100 * (max(rps) - min(rps)) / median_rps if median_rps else 0.0,
        "p50_ms_median": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p99_ms_median": statistics.median(r["p99_us"] for r in runs) / 1000,
        "p50_ms_min": min(r["p50_us"] for r in runs) / 1000,
        "p50_ms_max": max(r["p50_us"] for r in runs) / 1000,
        "p99_ms_min": min(r["p99_us"] for r in runs) / 1000,
        "p99_ms_max": max(r["p99_us"] for r in runs) / 1000,
        "bytes_per_response": statistics.median(r["bytes_per_response"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "requests": sum(r["requests"] for r in runs),
    }


def fmt_target(name: str, s: dict) -> str:
    return (
        f"  {name:<8} {s['rps_median']:8.0f} req/s  (min–max {s['rps_min']:.0f}–{s['rps_max']:.0f},"
        f" spread {s['rps_spread_pct']:.0f}%)   p50 {s['p50_ms_median']:6.2f} ms"
        f"   p99 {s['p99_ms_median']:6.2f} ms   errors {s['errors']}"
    )


def run(args: argparse.Namespace) -> None:
    targets = {"static": args.static, "django": args.django}
    names = {"static": args.baseline_name, "django": args.tier}
    if args.warmup:
        for url in targets.values():
            wrk(url, args, args.warmup)
    runs: dict[str, list[dict]] = {name: [] for name in targets}
    loads = [load_average()]
    started = time.monotonic()
    for round_number in range(1, args.rounds + 1):
        line = [f"  round {round_number}/{args.rounds}:"]
        for name, url in targets.items():
            result = wrk(url, args, args.duration)
            runs[name].append(result)
            line.append(
                f"{names[name]} {result['rps']:.0f} req/s p50 {result['p50_us'] / 1000:.2f} ms"
            )
        loads.append(load_average())
        print("  ".join(line), flush=True)
    summary = {name: summarise(results) for name, results in runs.items()}
    paired = [d["rps"] / s["rps"] for s, d in zip(runs["static"], runs["django"], strict=True)]
    ratio = summary["django"]["rps_median"] / summary["static"]["rps_median"]
    record = {
        "label": args.label,
        "db": args.db,
        "tier": args.tier,
        "baseline": args.baseline_name,
        "settings": {
            "rounds": args.rounds,
            "duration": args.duration,
            "warmup": args.warmup,
            "connections": args.connections,
            "threads": args.threads,
            "headers": args.header,
            "static_url": args.static,
            "django_url": args.django,
        },
        "seconds": round(time.monotonic() - started, 1),
        "load_average_1min": loads,
        "summary": summary,
        "ratio": ratio,
        "paired_ratio_median": statistics.median(paired),
        "paired_ratio_min": min(paired),
        "paired_ratio_max": max(paired),
        "runs": {
            name: [{k: v for k, v in r.items() if k != "wrk_text"} for r in results]
            for name, results in runs.items()
        },
        "wrk_text_last": {name: results[-1]["wrk_text"] for name, results in runs.items()},
    }
    print(f"{args.label}: {args.rounds} rounds of {args.duration}, alternating")
    for name in targets:
        print(fmt_target(names[name], summary[name]))
    target = TARGETS.get(args.tier)
    verdict = (
        ""
        if target is None
        else f"  (target ≥ {target:.2f}: {'met' if ratio >= target else 'MISSED'})"
    )
    print(
        f"  ratio {args.tier}/{args.baseline_name} (median req/s): {ratio:.3f}{verdict};"
        f" per-round ratios median {statistics.median(paired):.3f}"
        f" ({min(paired):.3f}–{max(paired):.3f})"
    )
    if None not in loads:
        print(f"  1-minute load average before the rounds {loads[0]:.1f}, after {loads[-1]:.1f}")
    if summary["django"]["errors"] or summary["static"]["errors"]:
        print("  WARNING: wrk counted errors (non-2xx/3xx, timeouts or socket errors)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(record, indent=2) + "\n")


# --- the final table --------------------------------------------------------------------


def pct(new: float, old: float) -> str:
    return f"{100 * (new - old) / old:+.1f}%" if old else "n/a"


def report(args: argparse.Namespace) -> None:
    records = [json.loads(Path(p).read_text()) for p in args.files]
    by_key = {(r["db"], r["tier"]): r for r in records}
    first = records[0]["settings"]
    print()
    print(
        f"The seed page, each tier against its baseline; gunicorn 2 sync workers; wrk"
        f" {first['threads']} threads, {first['connections']} connections;"
        f" {first['rounds']} alternating rounds of {first['duration']} per target."
    )
    print("req/s: median (min–max); p50/p99: medians over the rounds, in ms.")
    header = (
        f"{'database':<8} {'tier':<8} {'target':<8} {'req/s':>7}  {'min–max':<13} {'spread':>6}"
        f" {'p50':>7} {'p99':>7}  {'ratio':>6}  {'goal':>8}"
    )
    print()
    print(header)
    print("-" * len(header))
    verdicts = []
    for db in ("small", "grown"):
        for tier in TIERS:
            record = by_key.get((db, tier))
            if record is None:
                continue
            for name in ("static", "django"):
                s = record["summary"][name]
                ratio = goal = ""
                if name == "django":
                    ratio = f"{record['ratio']:.3f}"
                    target = TARGETS[tier]
                    met = record["ratio"] >= target
                    goal = f"{'ok' if met else 'MISS'} ≥{target}"
                    verdicts.append((f"{db} db, {TIERS[tier]}: ratio {ratio} ≥ {target}", met))
                label = record["baseline"] if name == "static" else tier
                print(
                    f"{db:<8} {tier:<8} {label:<8} {s['rps_median']:7.0f}"
                    f"  {s['rps_min']:>5.0f}–{s['rps_max']:<6.0f} {s['rps_spread_pct']:5.0f}%"
                    f" {s['p50_ms_median']:7.2f} {s['p99_ms_median']:7.2f}  {ratio:>6}  {goal:>8}"
                )
        print()
    growth = [(t, by_key.get(("small", t)), by_key.get(("grown", t))) for t in TIERS]
    growth = [(t, small, grown) for t, small, grown in growth if small and grown]
    if growth:
        print(
            "Grown database (100,000 publications) vs small, the same tier; within 10% means"
            " at most 10% fewer requests per second, by the median and by the ratio to the"
            " baseline (which cancels drift of the machine):"
        )
        for tier, small, grown in growth:
            s, g = small["summary"]["django"], grown["summary"]["django"]
            rps_ok = g["rps_median"] >= s["rps_median"] * (1 - GROWTH_TOLERANCE)
            ratio_ok = grown["ratio"] >= small["ratio"] * (1 - GROWTH_TOLERANCE)
            print(
                f"  {tier:<8}: req/s {g['rps_median']:.0f} vs {s['rps_median']:.0f}"
                f" ({pct(g['rps_median'], s['rps_median'])}{'' if rps_ok else ', MISS'});"
                f" ratio {grown['ratio']:.3f} vs {small['ratio']:.3f}"
                f" ({pct(grown['ratio'], small['ratio'])}{'' if ratio_ok else ', MISS'});"
                f" p50 {g['p50_ms_median']:.2f} vs {s['p50_ms_median']:.2f} ms"
                f" ({pct(g['p50_ms_median'], s['p50_ms_median'])});"
                f" p99 {g['p99_ms_median']:.2f} vs {s['p99_ms_median']:.2f} ms"
                f" ({pct(g['p99_ms_median'], s['p99_ms_median'])})"
            )
            verdicts.append((f"grown db, {tier}: req/s median within 10%", rps_ok))
            verdicts.append((f"grown db, {tier}: ratio to baseline within 10%", ratio_ok))
        print()
    loads = [x for r in records for x in r.get("load_average_1min", []) if x is not None]
    if loads:
        print(
            f"1-minute load average during the runs: {min(loads):.1f}–{max(loads):.1f}"
            f" (wrk, both servers and Redis alone make about 3 on a 2-core machine; more means"
            f" something else was running)"
        )
        print()
    errors = sum(r["summary"][n]["errors"] for r in records for n in ("static", "django"))
    print("Targets:")
    for text, ok in verdicts:
        print(f"  [{'met' if ok else 'MISSED'}] {text}")
    if errors:
        print(f"  WARNING: wrk counted {errors} errors in total; see bench/results/*.json")
    if args.summary_out:
        Path(args.summary_out).write_text(
            json.dumps(
                {
                    "results": {
                        f"{r['db']}-{r['tier']}": r["summary"] | {"ratio": r["ratio"]}
                        for r in records
                    },
                    "targets": [{"check": t, "met": ok} for t, ok in verdicts],
                },
                indent=2,
            )
            + "\n"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    r = commands.add_parser("run", help="measure one configuration")
    r.add_argument("--label", required=True)
    r.add_argument("--db", default="small", help="small or grown (for the report)")
    r.add_argument("--tier", choices=TARGETS, required=True, help="what is measured")
    r.add_argument("--baseline-name", default="static", help="what the baseline is")
    r.add_argument("--static", required=True, help="URL of the baseline")
    r.add_argument("--django", required=True, help="URL of the seed page on the tier")
    r.add_argument("--rounds", type=int, default=5)
    r.add_argument("--duration", default="10s")
    r.add_argument("--warmup", default="3s", help="one unmeasured run per target; '' for none")
    r.add_argument("--connections", type=int, default=16)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("-H", "--header", action="append", default=[])
    r.add_argument("--out", type=Path, required=True)
    p = commands.add_parser("report", help="print the final table")
    p.add_argument("files", nargs="+")
    p.add_argument("--summary-out")
    args = parser.parse_args()
    (run if args.command == "run" else report)(args)


if __name__ == "__main__":
    main()
