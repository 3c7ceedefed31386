"""CPU of the bot's process per update, this checkout beside another (the before), A/B.

    python bench/cpu_per_update.py [--before-root /tmp/base] [--root NAME=PATH …]
        [--backends postgres,sqlite]
        [--list-updates 600] [--create-updates 300] [--rounds 2] [--profile DIR]

The whole path update-in → reply-out (`nhacviec run` in a child process, the fake Bot API in
another, the data of bench/peer_compare.py): the child's user+system CPU (from /proc) over a
load, divided by its updates. CPU time, unlike updates/s, barely depends on what else the
shared machine runs, so a small difference shows. The roots alternate round by round.
`--profile DIR` records each load with py-spy (if installed) into DIR as collapsed stacks.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx

from bench.peer_compare import FIRST_USER_ID, Fake, cpu_seconds, seed_ours
from bench.reminders_common import ThrowawayDatabase, bot_env


async def load_cpu_ms(fake: Fake, pid: int, users: list[int], texts: list[str], count: int,
                      profile: Path | None) -> float:
    target = await fake.messages() + count
    spy = None
    py_spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if profile is not None and py_spy:
        spy = subprocess.Popen([py_spy, "record", "--pid", str(pid), "--format", "raw",
                                "--nonblocking", "--gil", "--rate", "250", "-o", str(profile)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cpu = cpu_seconds(pid)
    await fake.send(users, texts, count)
    await fake.wait_messages(target, 0.02)
    spent = cpu_seconds(pid) - cpu
    if spy is not None:
        spy.send_signal(2)
        spy.wait(timeout=60)
    return 1000 * spent / count


async def one_run(fake: Fake, root: str, backend: str, args: argparse.Namespace,
                  tag: str) -> dict[str, float]:
    db = ThrowawayDatabase(backend)
    try:
        seed_ours(db, args)
        users = [FIRST_USER_ID + i for i in range(1, args.senders + 1)]
        workloads = {
            "list": (["/nhiemvu"], args.list_updates),
            "create": ([f"/giao DV{args.senders + i:04d} | Báo cáo CCHC quý | 31/12/2030"
                        for i in range(1, args.senders + 1)], args.create_updates),
        }
        env = bot_env(db.url, db.data_dir, fake, LOG_LEVEL="WARNING", PYTHONPATH=root,
                      TELEGRAM_RATE_GLOBAL_PER_SEC="100000",
                      TELEGRAM_RATE_PER_CHAT_PER_SEC="100000")
        with open(db.data_dir / "bot.log", "ab") as handle:
            process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=root,
                                       stdout=handle, stderr=subprocess.STDOUT)
        try:
            start = await fake.messages()
            for _ in range(60):
                await fake.send(users[:1], ["/nhiemvu"], 1)
                with contextlib.suppress(TimeoutError):
                    await fake.wait_messages(start + 1, 0.05, timeout=2)
                    break
            else:
                raise TimeoutError("the bot never answered")
            await asyncio.sleep(2.0)
            figures = {}
            for name, (texts, count) in workloads.items():
                await load_cpu_ms(fake, process.pid, users, texts, 50, None)  # warm-up
                profile = (Path(args.profile) / f"{tag}-{backend}-{name}.txt"
                           if args.profile else None)
                figures[name] = await load_cpu_ms(fake, process.pid, users, texts, count, profile)
            return figures
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        db.drop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before-root")
    parser.add_argument("--root", action="append", default=[], metavar="NAME=PATH",
                        help="another checkout to measure beside this one (repeatable)")
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--list-updates", type=int, default=600)
    parser.add_argument("--create-updates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--profile")
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    roots = {"before": args.before_root} if args.before_root else {}
    roots.update(dict(item.split("=", 1) for item in args.root))
    roots["after"] = str(ROOT)
    port = 18000 + os.getpid() % 1000
    fake_process = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_api",
                                     "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    fake = Fake(port)
    results: dict[tuple[str, str, str], list[float]] = {}
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                await fake.messages()
                break
            await asyncio.sleep(0.1)
        for round_number in range(args.rounds):
            for backend in args.backends.split(","):
                for tag, root in roots.items():
                    figures = await one_run(fake, root, backend, args, f"{tag}{round_number}")
                    for name, value in figures.items():
                        results.setdefault((backend, name, tag), []).append(value)
                    print(f"round {round_number} {backend:8s} {tag:6s} " + "  ".join(
                        f"{name} {value:5.2f} ms" for name, value in figures.items()), flush=True)
    finally:
        fake_process.terminate()
        fake_process.wait()
    print("CPU ms per update (median over rounds):")
    for (backend, name, tag), values in sorted(results.items()):
        print(f"  {backend:8s} {name:6s} {tag:6s} {statistics.median(values):5.2f}  "
              f"({' '.join(f'{v:.2f}' for v in values)})")


if __name__ == "__main__":
    asyncio.run(main())
