"""The deployment files hold together (Docker Compose is not available here, so `docker compose
config` cannot run; compose.yaml is instead checked against the Compose specification by the
compose_spec library, then its wiring): compose.yaml parses and wires the bot to a healthy PostgreSQL with volumes,
restart policies and health checks; the Dockerfile installs the lock file and checks /healthz;
the lock file pins every dependency of pyproject.toml; the guide is linked from the README."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from compose_spec import PyCompose

from config.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_follows_the_compose_specification() -> None:
    compose = PyCompose.from_yaml((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert compose.service_names() == ["db", "bot"]
    # The checker does refuse what the specification does not allow.
    with pytest.raises(ValueError, match="restart"):
        PyCompose.from_yaml("services:\n  a:\n    image: x\n    restart: sometimes\n")


def test_compose_file_parses_and_wires_bot_to_postgres() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "bot"}
    db, bot = services["db"], services["bot"]
    for service in (db, bot):
        assert service["restart"] == "unless-stopped"
        assert service["healthcheck"]["test"]
    assert "/healthz" in " ".join(bot["healthcheck"]["test"])
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql://")
    assert "@db:5432/" in bot["environment"]["DATABASE_URL"]
    named = set(compose["volumes"])
    assert {v.split(":")[0] for v in db["volumes"] + bot["volumes"]} == named
    assert bot["env_file"] == ".env"
    # Every variable of the example env file is a real setting (or compose's own).
    example = (ROOT / "deploy" / "nhacviec.env.example").read_text(encoding="utf-8")
    names = re.findall(r"^#? ?([A-Z_]+)=", example, flags=re.MULTILINE)
    known = {name.upper() for name in Settings.model_fields} | {"POSTGRES_PASSWORD"}
    assert names and set(names) <= known, set(names) - known


def test_dockerfile_uses_the_lock_file_and_checks_health() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "pip install --no-cache-dir -r requirements.lock" in dockerfile
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", dockerfile, flags=re.MULTILINE)
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"]["find"]["include"]
    for package in packages:
        assert f"COPY {package.rstrip('*')} " in dockerfile, package


def test_lock_file_pins_every_runtime_dependency() -> None:
    lines = [line for line in (ROOT / "requirements.lock").read_text().splitlines()
             if line and not line.startswith("#")]
    pinned = {re.split(r"==", line)[0].lower().replace("_", "-") for line in lines}
    assert all("==" in line for line in lines)
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    for requirement in dependencies:
        name = re.split(r"[\[<>=~! ]", requirement)[0].lower().replace("_", "-")
        assert name in pinned, name


def test_systemd_unit_and_guide() -> None:
    unit = (ROOT / "deploy" / "nhacviec.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/nhacviec/bin/nhacviec run" in unit
    assert "EnvironmentFile=/etc/nhacviec/nhacviec.env" in unit
    assert "Restart=on-failure" in unit
    assert "docs/TRIEN_KHAI.md" in (ROOT / "README.md").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "TRIEN_KHAI.md").read_text(encoding="utf-8")
    for command in ("nhacviec backup", "nhacviec restore", "nhacviec admin add",
                    "nhacviec db upgrade", "TELEGRAM_MODE", "/healthz", "BotFather"):
        assert command in guide, command
