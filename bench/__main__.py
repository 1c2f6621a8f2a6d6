"""`python -m bench [--store sqlite|postgres] [--quick] [--only NAME ...]`

Runs every benchmark, each beside its baseline in the same run, prints a table
and writes it to bench/results.json (under the store's name). See README.md,
"Benchmarks".
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import fanout, log_figures, scale, stores, throughput

RESULTS = Path(__file__).parent / "results.json"
NAMES = ("http", "webhook", "fanout", "scale", "rebuild", "replay", "memory")


@dataclass(frozen=True)
class Sizes:
    log: int
    http: throughput.Load
    webhook: throughput.Load
    fanout_clients: tuple[int, ...]
    fanout_rounds: int
    fanout_seconds: float
    fanout_inquiries: int  # in the incident before the rounds start
    replay_moments: int
    memory_clients: int
    memory_commands: int
    scale_inquiries: int  # in the big incident
    scale_rounds: int  # commands on each incident
    scale_loads: int  # GET /load on each incident


FULL = Sizes(
    log=1_000_000,
    http=throughput.Load(seconds=10, warmup=2, limit=50_000, concurrency=32),
    webhook=throughput.Load(seconds=10, warmup=2, limit=400, concurrency=4),
    fanout_clients=(100, 1000),
    fanout_rounds=100,
    fanout_seconds=60,
    fanout_inquiries=100,
    replay_moments=5,
    memory_clients=1000,
    memory_commands=20,
    scale_inquiries=20_000,
    scale_rounds=40,
    scale_loads=40,
)
# For the smoke test in the suite (tests/bench): every benchmark runs, the figures mean nothing.
TINY = Sizes(
    log=3_000,
    http=throughput.Load(seconds=0.5, warmup=0.2, limit=200, concurrency=4),
    webhook=throughput.Load(seconds=0.5, warmup=0.2, limit=10, concurrency=2),
    fanout_clients=(5, 10),
    fanout_rounds=3,
    fanout_seconds=10,
    fanout_inquiries=5,
    replay_moments=1,
    memory_clients=5,
    memory_commands=2,
    scale_inquiries=200,
    scale_rounds=5,
    scale_loads=3,
)
QUICK = Sizes(
    log=50_000,
    http=throughput.Load(seconds=3, warmup=1, limit=10_000, concurrency=32),
    webhook=throughput.Load(seconds=3, warmup=1, limit=80, concurrency=4),
    fanout_clients=(100, 1000),
    fanout_rounds=15,
    fanout_seconds=20,
    fanout_inquiries=20,
    replay_moments=3,
    memory_clients=200,
    memory_commands=5,
    scale_inquiries=5_000,
    scale_rounds=20,
    scale_loads=20,
)


@dataclass
class Figure:
    name: str
    figure: str
    ours: float
    unit: str
    baseline: float | None
    baseline_is: str
    target: str
    met: bool | None
    details: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # any of them fails the figure

    @property
    def ratio(self) -> float | None:
        return self.ours / self.baseline if self.baseline else None


def main(argv: list[str] | None = None) -> int:
    """Exit status 1 if any figure had an error (a missed target is a result, not an error)."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help=f"small sizes ({QUICK.log:,} events)")
    parser.add_argument(
        "--only",
        action="append",
        choices=NAMES,
        metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(NAMES)}",
    )
    args = parser.parse_args(argv)
    run = measure(args.store, QUICK if args.quick else FULL, args.only or list(NAMES))
    key = args.store + ("-quick" if args.quick else "")
    write(key, run, " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])]))
    return 1 if any(f.errors for f in run.figures) else 0


def measure(store: str, sizes: Sizes, only: list[str], cache: Path = stores.CACHE) -> Run:
    """Run the benchmarks named in `only` at `sizes` and print the table (the
    smoke test in the suite calls this with tiny sizes and a cache of its own)."""
    run = Run(store, sizes, only)
    started = time.monotonic()
    with stores.Stores(store, cache) as made:
        run.all(made)
    run.machine["seconds"] = round(time.monotonic() - started)
    run.machine["load_after"] = os.getloadavg()
    print()
    print(table(run.figures, run.machine, store))
    for f in run.figures:
        for problem in f.errors:
            print(f"error in {f.name}: {problem}")
    return run


class Run:
    def __init__(self, store: str, sizes: Sizes, only: list[str]) -> None:
        self.store, self.sizes, self.only = store, sizes, only
        self.figures: list[Figure] = []
        self.machine = machine()
        self.load = os.getloadavg()

    def say(self, text: str) -> None:
        self.load = os.getloadavg()
        print(f"[{time.strftime('%H:%M:%S')} load {self.load[0]:.1f}] {text}", flush=True)

    def add(self, figure: Figure, problems: Sequence[str] = ()) -> None:
        """Keep a figure, with the load average when its benchmark started. Any
        problem during its measurement (or its baseline's) fails it."""
        figure.details["load_at_start"] = self.load
        figure.errors = list(problems)
        if figure.errors:
            figure.met = False
            for problem in figure.errors:
                self.say(f"ERROR in {figure.name}: {problem}")
        self.figures.append(figure)

    def all(self, made: stores.Stores) -> None:
        for name, benchmark in (
            ("http", self.http),
            ("webhook", self.webhook),
            ("fanout", self.fanout),
            ("scale", self.scale),
        ):
            if name in self.only:
                self.guarded(name, benchmark, made)
        log_names = [n for n in ("rebuild", "replay", "memory") if n in self.only]
        if log_names:
            self.guarded("/".join(log_names), self.log_figures, made)

    def guarded(self, name: str, benchmark: Any, made: stores.Stores) -> None:
        """Run a benchmark; an exception ends it as a failed figure, and the run goes on."""
        try:
            benchmark(made)
        except Exception as error:
            self.add(
                Figure(name, f"{name}: the benchmark failed", 0.0, "", None, "-", "-", False),
                [f"{type(error).__name__}: {error}"[:500]],
            )

    def http(self, made: stores.Stores) -> None:
        self.say("inquiries through the HTTP API, and the baseline endpoint ...")
        ours, base = throughput.http_inquiries(made, self.sizes.http)
        self.add(
            Figure(
                "http",
                "inquiries accepted per second through the HTTP API, board following live",
                ours.per_second,
                "inquiries/s",
                base.per_second,
                "minimal FastAPI endpoint, one eventsourcing save per request",
                ">= 2x baseline",
                ours.per_second >= 2 * base.per_second,
                {"ours": asdict(ours), "baseline": asdict(base), "load": asdict(self.sizes.http)},
            ),
            ours.problems("ours") + base.problems("baseline"),
        )

    def webhook(self, made: stores.Stores) -> None:
        self.say("inquiries through the batch webhook, and the library's save of 100 ...")
        ours, base, single = throughput.webhook(made, self.sizes.webhook)
        self.add(
            Figure(
                "webhook",
                "inquiries per second through the batch webhook, 100 per delivery",
                ours.per_second,
                "inquiries/s",
                base.per_second,
                "eventsourcing save of 100 aggregates in one call",
                ">= 0.7x baseline",
                ours.per_second >= 0.7 * base.per_second,
                {
                    "ours": asdict(ours),
                    "baseline": asdict(base),
                    "load": asdict(self.sizes.webhook),
                    "library_save_1_per_call": asdict(single),
                },
            ),
            ours.problems("ours") + base.problems("baseline"),
        )
        self.add(
            Figure(
                "save",
                "for the record: the library's raw save, one new aggregate per call, in process",
                single.per_second,
                "events/s",
                base.per_second,
                "the same, 100 aggregates per call",
                "-",
                None,
                {"single": asdict(single), "batch_of_100": asdict(base)},
            ),
            single.problems("single") + base.problems("batch of 100"),
        )

    def fanout(self, made: stores.Stores) -> None:
        s = self.sizes
        self.say(
            f"command to change on {' and '.join(map(str, s.fanout_clients))} board "
            "clients, and a bare websocket broadcast ..."
        )
        store = made.fresh("fanout")
        results = fanout.fanout(
            store,
            made.root,
            list(s.fanout_clients),
            s.fanout_rounds,
            s.fanout_seconds,
            s.fanout_inquiries,
        )
        for ours, base in results:
            n = ours.clients
            p50, p99 = ours.percentile(50), ours.percentile(99)
            b50, b99 = base.percentile(50), base.percentile(99)
            target = "p99 <= 1.5x baseline" + ("; < 150 ms" if n >= 1000 else "")
            met = p99 <= 1.5 * b99 and (n < 1000 or p99 < 0.150)
            problems = ours.problems("ours") + base.problems("baseline")
            details = {
                "p50_ms": p50 * 1000,
                "p99_ms": p99 * 1000,
                "baseline_p50_ms": b50 * 1000,
                "baseline_p99_ms": b99 * 1000,
                "rounds": len(ours.samples),
                "baseline_rounds": len(base.samples),
                "missed": ours.missed,
                "message_bytes": ours.message_bytes,
            }
            self.add(
                Figure(
                    f"fanout-{n}-p50",
                    f"command accepted to change on all {n:,} board clients, p50",
                    p50 * 1000,
                    "ms",
                    b50 * 1000,
                    f"bare websocket broadcast to {n:,} clients",
                    "(p99 is the target)",
                    None,
                    details,
                ),
                problems,
            )
            self.add(
                Figure(
                    f"fanout-{n}-p99",
                    f"command accepted to change on all {n:,} board clients, p99",
                    p99 * 1000,
                    "ms",
                    b99 * 1000,
                    f"bare websocket broadcast to {n:,} clients",
                    target,
                    met,
                    details,
                ),
                problems,
            )

    def scale(self, made: stores.Stores) -> None:
        s = self.sizes
        self.say(
            f"one inquiry command on an incident of {s.scale_inquiries:,} inquiries, "
            "and on an empty one ..."
        )
        result = scale.scale(made.fresh("scale"), s.scale_inquiries, s.scale_rounds, s.scale_loads)
        big, empty = result.big, result.empty
        details = {"big": asdict(big), "empty": asdict(empty)}
        problems = list(result.errors)
        if not (empty.command_ms and big.command_ms and empty.cpu_ms and empty.load_ms):
            problems.append("measured nothing (no commands, no CPU or no load on the empty one)")
        n = f"{s.scale_inquiries:,}"
        for figure in (
            Figure(
                "scale-command",
                f"one inquiry POST to the change on a board client, p50, incident of {n}",
                big.command_p50,
                "ms",
                empty.command_p50,
                "the same on an empty incident",
                "<= 1.3x baseline",
                big.command_p50 <= 1.3 * empty.command_p50,
                details,
            ),
            Figure(
                "scale-cpu",
                f"server CPU per inquiry command, incident of {n}",
                big.cpu_ms,
                "ms",
                empty.cpu_ms,
                "the same on an empty incident",
                "<= 1.3x baseline",
                big.cpu_ms <= 1.3 * empty.cpu_ms,
                details,
            ),
            Figure(
                "scale-message",
                f"change message for one new inquiry (raw bytes, largest), incident of {n}",
                big.largest_message,
                "bytes",
                empty.largest_message,
                "the same on an empty incident",
                "<= 2 KB at any size",
                max(big.largest_message, empty.largest_message) <= 2048,
                details,
            ),
            Figure(
                "scale-load",
                f"GET /api/incidents/{{id}}/load, p50, incident of {n}",
                big.load_p50,
                "ms",
                empty.load_p50,
                "the same on an empty incident",
                "< 20 ms",
                big.load_p50 < 20,
                details,
            ),
        ):
            self.add(figure, problems)

    def log_figures(self, made: stores.Stores) -> None:
        s = self.sizes
        store = made.fresh("log")
        count = stores.load_log(store, s.log, self.say, made.cache)
        self.machine["log_events"] = count
        self.say(f"rebuilding the read models from {count:,} events, and reading them alone ...")
        rebuilt = log_figures.rebuild_figure(store)
        if "rebuild" in self.only:
            self.add(
                Figure(
                    "rebuild",
                    f"projection rebuild, events per second, {count:,} events",
                    rebuilt.rate,
                    "events/s",
                    rebuilt.baseline_rate,
                    "select_notifications + mapper.to_domain_event over the same log",
                    ">= 0.5x baseline",
                    rebuilt.rate >= 0.5 * rebuilt.baseline_rate,
                    asdict(rebuilt),
                ),
                [] if rebuilt.events and rebuilt.incidents else ["rebuilt nothing"],
            )
        if "replay" in self.only:
            self.say(f"replaying the board at {s.replay_moments} random moments ...")
            replayed = log_figures.replay_figure(store, s.replay_moments)
            self.add(
                Figure(
                    "replay",
                    f"board replay of one incident at a random moment of {count:,} events "
                    f"(worst of {len(replayed.seconds)})",
                    replayed.worst * 1000,
                    "ms",
                    replayed.baseline_seconds * 1000,
                    "whole board rebuilt from the start to that moment",
                    "< 1 s",
                    replayed.worst < 1.0,
                    asdict(replayed),
                )
            )
        if "memory" in self.only:
            self.say(
                f"server memory on {count:,} events with {s.memory_clients:,} board clients ..."
            )
            memory = log_figures.memory_figure(store, s.memory_clients, s.memory_commands)
            self.add(
                Figure(
                    "memory",
                    f"server peak memory, {count:,} events, {s.memory_clients:,} board clients",
                    memory.peak_mb,
                    "MB",
                    None,
                    "-",
                    "< 300 MB",
                    memory.peak_mb < 300,
                    asdict(memory),
                ),
                memory.errors,
            )


def machine() -> dict[str, Any]:
    meminfo = Path("/proc/meminfo").read_text().split()
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1),
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    text = f"{value:,.0f}" if value >= 100 else f"{value:,.1f}" if value >= 10 else f"{value:.2f}"
    return f"{text} {unit}".strip()


def table(figures: list[Figure], info: dict[str, Any], store: str) -> str:
    lines = [
        "| figure | ours | baseline | ratio | target | met | errors | load |",
        "| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    for f in figures:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        met = "-" if f.met is None else "yes" if f.met else "**no**"
        lines.append(
            f"| {f.figure} | {_number(f.ours, f.unit)} | {_number(f.baseline, f.unit)} | {ratio} "
            f"| {f.target} | {met} | {len(f.errors)} "
            f"| {f.details.get('load_at_start', [0])[0]:.1f} |"
        )
    load = ", ".join(f"{x:.1f}" for x in info["load_before"])
    after = ", ".join(f"{x:.1f}" for x in info.get("load_after", ()))
    lines.append("")
    lines.append(
        f"{store}; {info['nproc']} cores ({info['cpu']}), {info['ram_gb']} GB RAM, Python "
        f"{info['python']}; load average {load} before, {after} after (load: the 1-minute "
        f"load average when each benchmark started; the machine is shared); {info['when']}"
    )
    return "\n".join(lines)


def write(key: str, run: Run, command: str) -> None:
    """Store the figures under the store's key. A run of some benchmarks only
    (--only) replaces those figures and keeps the others, each figure saying
    which command and run produced it."""
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    previous = results.get(key, {}).get("figures", [])
    kept = {f["name"]: f for f in previous if run.only != list(NAMES)}
    for f in run.figures:
        f.details["run"] = {"command": command, "when": run.machine["when"]}
        kept[f.name] = asdict(f) | {"ratio": f.ratio}
    order = [f"{n}" for n in NAMES]
    figures = sorted(kept.values(), key=lambda f: order.index(_group(f["name"])))
    commands = list(
        dict.fromkeys(f["details"].get("run", {}).get("command", command) for f in figures)
    )
    results[key] = {
        "commands": commands,
        "machine": run.machine,
        "figures": figures,
        "table": table(
            [Figure(**{k: v for k, v in f.items() if k != "ratio"}) for f in figures],
            run.machine,
            run.store,
        ),
    }
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {RESULTS}")


def _group(name: str) -> str:
    """The benchmark a figure comes from: fanout-100-p99 -> fanout, save -> webhook,
    rebuild/replay (those benchmarks failed together) -> rebuild."""
    base = name.split("-")[0].split("/")[0]
    return "webhook" if base == "save" else base


if __name__ == "__main__":
    sys.exit(main())
