"""CPU per Bot API call of PTB's request classes, A/B: HTTPXRequest (PTB's own, as the bot
had it: 16 connections, one TLS context) against bot.telegram_request.AiohttpRequest.

    python bench/telegram_request_cpu.py [--requests 1600] [--concurrency 16,1] [--rounds 2]

A PTB Bot in this process sends `--requests` replies like a page of /nhiemvu (ten lines of
Vietnamese HTML, eleven buttons) through `do_api_request("sendMessage")`, as the bot's
replies go, to the fake Bot API in its own process, `--concurrency` at a time; this process's
CPU (user+system) per call is printed. The same PTB code runs on both sides, so the
difference is the transport. No target: an A/B.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.telegram_request import AiohttpRequest
from bot.tls import shared_tls_context
from tests.fakes.telegram_api import DEFAULT_TOKEN

MARKUP = json.dumps({"inline_keyboard": [[{"text": f"Việc {i}", "callback_data": f"/xem {i}"}]
                                         for i in range(11)]})
TEXT = "\n".join(f"<b>{i}.</b> Báo cáo công tác cải cách hành chính quý {i}, hạn 31/12/2030"
                 for i in range(1, 11))


def make_request(kind: str, connections: int) -> BaseRequest:
    if kind == "httpx":
        return HTTPXRequest(connection_pool_size=connections,
                            httpx_kwargs={"verify": shared_tls_context()})
    return AiohttpRequest(connections, ssl_context=shared_tls_context())


async def cpu_ms_per_call(kind: str, base_url: str, count: int, concurrency: int) -> float:
    bot = Bot(DEFAULT_TOKEN, base_url=base_url, request=make_request(kind, 16),
              get_updates_request=make_request(kind, 1))

    async def sender(chat: int, calls: int) -> None:
        for _ in range(calls):
            await bot.do_api_request("sendMessage", {
                "chat_id": chat, "text": TEXT, "reply_markup": MARKUP, "parse_mode": "HTML"})

    async with bot:
        await asyncio.gather(*(sender(1000 + c, 5) for c in range(concurrency)))  # warm-up
        cpu = time.process_time()
        await asyncio.gather(*(sender(1000 + c, count // concurrency)
                               for c in range(concurrency)))
        return 1000 * (time.process_time() - cpu) / (count // concurrency * concurrency)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1600)
    parser.add_argument("--concurrency", default="16,1")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=PTBUserWarning)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    fake = subprocess.Popen([sys.executable, "-m", "tests.fakes.telegram_api", "--port",
                             str(port)], cwd=ROOT, stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/bot"
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(100):
                with contextlib.suppress(httpx.HTTPError):
                    await client.get(f"http://127.0.0.1:{port}/_fake/stats")
                    break
                await asyncio.sleep(0.1)
        for concurrency in (int(c) for c in args.concurrency.split(",")):
            figures: dict[str, list[float]] = {"httpx": [], "aiohttp": []}
            for _ in range(args.rounds):
                for kind, values in figures.items():
                    values.append(await cpu_ms_per_call(kind, base_url, args.requests,
                                                        concurrency))
            print(f"concurrency {concurrency:2d}: " + "   ".join(
                f"{kind} {min(values):.2f} ms CPU/call (rounds {' '.join(f'{v:.2f}' for v in values)})"
                for kind, values in figures.items()), flush=True)
    finally:
        fake.terminate()
        fake.wait()


if __name__ == "__main__":
    asyncio.run(main())
