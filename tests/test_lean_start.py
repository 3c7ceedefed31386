"""What the running bot keeps out of memory at start-up (issue 17: idle RSS), and that what it
leaves out still works when asked for."""

from __future__ import annotations

import argparse
import ssl
import subprocess
import sys
from pathlib import Path

from bot.memory import release_start_up_memory
from bot.tls import shared_tls_context

# Imported by `nhacviec run` before it serves anything; none of these is needed then. `plans`
# (the plan and staff-list readers) loads with /nhapkehoach, /nhapcanbo or a shared contact.
NOT_AT_START = ("cryptography", "alembic", "mako",
                # httpx's command line and httpcore's trio detection (when the test extras
                # installed them: import-linter brings rich, selenium brings trio)
                "httpx._main", "rich", "click", "pygments", "trio",
                "plans", "handlers.import_plan",
                "handlers.plan_preview", "reports.qr", "holidays",
                # each engine imports its own dialect; neither is needed before
                "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql",
                # the Zalo platforms and the webhook payload models load when switched on
                "bot.zalo_adapter", "bot.zalo_oa", "bot.upload_page", "bot.webhook_payloads",
                # /baocao and /hosominhchung load the reports' files on first use; the other
                # command-line groups (reports, backups, plans…) are not parsed for `run`
                "handlers.reports", "reports.chart", "reports.feeds", "reports.period_report",
                "db.backup", "tarfile", "bot.cli_reports", "bot.cli_plan", "bot.cli_backup")


def run_python(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_start_up_modules_leave_out_cryptography_and_alembic() -> None:
    code = (
        "import sys\n"
        "import bot.cli, bot.app, bot.zalo_platforms\n"
        "bot.cli.build_parser('run').parse_args(['run'])\n"
        f"print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules))\n"
    )
    assert run_python(code) == "[]"


def test_a_command_registered_for_first_use_imports_its_module_when_called() -> None:
    code = (
        "import asyncio, sys, types\n"
        "import handlers.registry as registry\n"
        "before = 'handlers.import_plan' in sys.modules\n"
        "module = types.ModuleType('lean_probe')\n"
        "async def probe(*args): print('called', args)\n"
        "module.probe = probe\n"
        "sys.modules['lean_probe'] = module\n"
        "asyncio.run(registry.on_first_use('lean_probe', 'probe')(1, 2))\n"
        "print(before, registry.find('nhapkehoach').handler.__qualname__)\n"
        "print(registry.FLOWS['import_plan'].__qualname__)\n"
    )
    assert run_python(code).splitlines() == [
        "called (1, 2)", "False handlers.import_plan.import_plan",
        "handlers.import_plan.import_plan_flow"]


def test_vietnam_holidays_load_without_the_rest_of_the_package_and_are_the_same() -> None:
    code = (
        "import sys\n"
        "from timelang.holidays_vn import vietnam_holidays\n"
        "days = {year: vietnam_holidays(year) for year in range(2024, 2029)}\n"
        "print(sorted(m for m in sys.modules if m.startswith('holidays')))\n"
        "print([m for m in sys.modules if 'islamic' in m or 'hebrew' in m])\n"
        "import holidays\n"
        "print(all(dict(holidays.country_holidays('VN', years=y)) == days[y] for y in days))\n"
    )
    assert run_python(code).splitlines() == ["[]", "[]", "True"]


def test_a_sqlite_bot_never_loads_the_postgresql_dialect(tmp_path: Path) -> None:
    # The first start migrates (Alembic loads every dialect); the starts after it do not.
    code = (
        "import sys\n"
        "from bot.app import build_app\n"
        "from config.settings import Settings\n"
        f"settings = Settings(_env_file=None, telegram_bot_token='1:x', data_dir={str(tmp_path)!r},"
        f" database_url='sqlite:///{tmp_path}/bot.db')\n"
        "app = build_app(settings)\n"
        "app.planner.plan_due(); app.planner.plan_digests()\n"
        "app.close()\n"
        "print('alembic' in sys.modules, 'sqlalchemy.dialects.sqlite' in sys.modules,"
        " 'sqlalchemy.dialects.postgresql' in sys.modules)\n"
    )
    run_python(code)
    assert run_python(code) == "False True False"


def test_the_command_line_parses_run_alone_and_every_other_command_in_full() -> None:
    from bot.cli import build_parser

    def commands(parser: argparse.ArgumentParser) -> set[str]:
        return {name for action in parser._subparsers._group_actions  # type: ignore[union-attr]
                for name in getattr(action, "choices", {})}

    everything = commands(build_parser())
    assert {"run", "report", "backup", "plan", "invite"} <= everything
    assert "report" not in commands(build_parser("run"))
    assert commands(build_parser("report")) == commands(build_parser("runn")) == everything


def test_telegram_takes_its_no_passport_path_and_cryptography_still_imports_later() -> None:
    code = (
        "import bot\n"
        "from telegram._passport import credentials\n"
        "print(credentials.CRYPTO_INSTALLED)\n"
        "from cryptography.fernet import Fernet\n"
        "from config.crypto import TokenCipher\n"
        "cipher = TokenCipher.from_setting(Fernet.generate_key().decode())\n"
        "print(cipher.decrypt(cipher.encrypt('bí mật')))\n"
    )
    assert run_python(code).splitlines() == ["False", "bí mật"]


def test_httpx_and_httpcore_take_their_not_installed_paths_and_the_modules_still_import() -> None:
    code = (
        "import bot, importlib.util\n"
        "import httpcore._synchronization, httpx\n"
        "print(httpcore._synchronization.trio, callable(httpx.main))\n"
        "for name in ('httpx._main', 'trio'):\n"
        "    if importlib.util.find_spec(name.split('.')[0]) is not None:\n"
        "        importlib.import_module(name)\n"
        "print('ok')\n"
    )
    assert run_python(code).splitlines() == ["None True", "ok"]


def test_the_shared_tls_context_verifies_as_httpx_does_by_default() -> None:
    context = shared_tls_context()
    assert context is shared_tls_context()
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # a bundle of roots is loaded


def test_the_telegram_clients_share_one_tls_context() -> None:
    code = (
        "import ssl\n"
        "import bot.telegram\n"
        "made = []\n"
        "original = ssl.SSLContext.load_verify_locations\n"
        "def counted(self, *args, **kwargs):\n"
        "    made.append(self)\n"
        "    return original(self, *args, **kwargs)\n"
        "ssl.SSLContext.load_verify_locations = counted\n"
        "from config.settings import Settings\n"
        "settings = Settings(telegram_bot_token='1:x', database_url='sqlite://')\n"
        "bot.telegram.build_sender_bot(settings, rate_limiter=None, connections=2)\n"
        "bot.telegram.build_sender_bot(settings, rate_limiter=None, connections=2)\n"
        "print(len(made))\n"
    )
    assert run_python(code) == "1"


def test_release_start_up_memory_runs_on_glibc() -> None:
    if not sys.platform.startswith("linux"):
        return
    import platform

    if platform.libc_ver()[0] != "glibc":
        return
    assert release_start_up_memory()


def test_the_image_runs_optimised_with_its_bytecode_compiled_at_build() -> None:
    dockerfile = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text(encoding="utf-8")
    compiled = dockerfile.index("python -OO -m compileall")
    assert compiled < dockerfile.index("ENV PYTHONOPTIMIZE=2") < dockerfile.index("CMD [")


def test_start_up_works_without_docstrings_and_asserts() -> None:
    # The image runs with PYTHONOPTIMIZE=2: nothing on the way to `nhacviec run` may need a
    # docstring (argparse help, a library reading __doc__).
    code = (
        "import sys\n"
        "import bot.cli, bot.app, bot.telegram\n"
        "print(sys.flags.optimize, bot.app.build_app.__doc__)\n"
        "bot.cli.build_parser().format_help()\n"
        "from config.settings import Settings\n"
        "Settings(telegram_bot_token='1:x', database_url='sqlite://')\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-OO", "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["2", "None", "ok"]
