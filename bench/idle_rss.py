"""Idle RSS of `nhacviec run` alone: the `rss_mib` figure of bench/peer_compare.py without the
peer and without the load, so that one start-up lever can be measured A/B in a minute.

    python bench/idle_rss.py [--backends postgres,sqlite] [--runs 3] [--tasks 10000]
        [--python /path/to/venv/bin/python] [--root /path/to/checkout] [--env NAME=VALUE …]
        [--target 94]

Same data and same readiness as peer_compare: the seeded district, the fake Bot API in its own
process, the bot polling it; one `/nhiemvu` answered, 3 s more, then VmRSS of the bot's
process (and, from /proc/PID/smaps_rollup, how much of it is anonymous memory, i.e. the heap,
rather than mapped code). `--python` runs the bot with another interpreter (a venv without the
test extras, as in the Docker image); `--root` runs another checkout (the before); `--env`
adds variables to the bot's environment (e.g. MALLOC_ARENA_MAX=2). Each figure is the median
of `--runs` starts. Bytecode must be compiled beforehand, as in the image (`python [-OO] -m
compileall` over the venv, the standard library and the checkout): with PYTHONDONTWRITEBYTECODE
every start compiles from source, and the garbage of compiling counts in the figure. Exit 0 when every median is at most `--target` MiB (haduyson/teletask's
idle RSS on this machine: 94 MiB).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx

from bench.peer_compare import FIRST_USER_ID, Fake, rss_mib, seed_ours
from bench.reminders_common import ThrowawayDatabase, bot_env


def smaps_rollup_mib(pid: int) -> dict[str, float]:
    figures: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            figures[name] = int(rest.split()[0]) / 1024
    return figures


async def wait_ready(fake: Fake, user: int) -> None:
    """Ready as in peer_compare: a `/nhiemvu` probe every 2 s until one is answered, then
    3 s for the answers to the others."""
    start = await fake.messages()
    for _ in range(60):
        await fake.send([user], ["/nhiemvu"], 1)
        with contextlib.suppress(TimeoutError):
            await fake.wait_messages(start + 1, 0.05, timeout=2)
            break
    else:
        raise TimeoutError("the bot never answered")
    await asyncio.sleep(3.0)


async def one_start(fake: Fake, db: ThrowawayDatabase, args: argparse.Namespace,
                    extra: dict[str, str]) -> tuple[float, float]:
    env = bot_env(db.url, db.data_dir, fake, **{"LOG_LEVEL": "WARNING", "PYTHONPATH": args.root,
                                                **extra})
    with open(db.data_dir / "bot.log", "ab") as handle:
        process = subprocess.Popen([args.python, "-m", "bot", "run"], env=env, cwd=args.root,
                                   stdout=handle, stderr=subprocess.STDOUT)
    try:
        await wait_ready(fake, FIRST_USER_ID + 1)
        return rss_mib(process.pid), smaps_rollup_mib(process.pid).get("Anonymous", 0.0)
    finally:
        process.terminate()
        process.wait(timeout=30)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--backends", default="postgres,sqlite")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--senders", type=int, default=50)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--root", default=str(ROOT))
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--target", type=float, default=94.0)
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.env)

    port = 19000 + os.getpid() % 1000
    fake_process = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_api",
                                     "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    fake = Fake(port)
    ok = True
    try:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                await fake.messages()
                break
            await asyncio.sleep(0.1)
        print(f"idle RSS: {args.python} -m bot run, root {args.root}, env {extra or '{}'}, "
              f"{args.runs} runs", flush=True)
        for backend in args.backends.split(","):
            db = ThrowawayDatabase(backend)
            try:
                seed_ours(db, args)
                runs = [await one_start(fake, db, args, extra) for _ in range(args.runs)]
            finally:
                db.drop()
            rss = statistics.median(r for r, _ in runs)
            anonymous = statistics.median(a for _, a in runs)
            ok &= rss <= args.target
            print(f"  {backend:<8} idle RSS {rss:6.1f} MiB (anonymous {anonymous:5.1f}), runs "
                  f"{', '.join(f'{r:.1f}' for r, _ in runs)}"
                  f"{'' if rss <= args.target else f'   above {args.target:.0f}'}", flush=True)
    finally:
        fake_process.terminate()
        fake_process.wait()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
