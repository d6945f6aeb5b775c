"""`python server.py` as an operator runs it: migrate, serve with the real OCR engines, answer, correct, stop."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from core.settings import REPO_ROOT
from ner_service.schema import ENTITY_TYPES
from server import load_models
from testkit.api import ocr_factory
from testkit.drawing import screenshot
from testkit.fakes import FakeOcr
from testkit.image_host import ImageHost
from testkit.processes import API_KEY, service_environment
from testkit.servers import closed_port, wait_ready
from testkit.settings import config_for


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    return service_environment(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}", **settings)


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "server.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def service_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrated and serving on a free port, with the real engine pool; stopped with SIGTERM afterwards."""
    tmp_path = tmp_path_factory.mktemp("service")
    port = closed_port()
    env = environment(tmp_path, SERVER__PORT=str(port))
    migrated = run("migrate", env=env)
    assert migrated.returncode == 0, migrated.stderr
    log = (tmp_path / "service.log").open("w")
    # its own session: Sanic's manager kills a stuck worker's whole process group
    process = subprocess.Popen(
        [sys.executable, "server.py"], cwd=REPO_ROOT, env=env, stdout=log, stderr=log, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(process, f"{base}/ready", tmp_path / "service.log", timeout=120)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


async def test_a_screenshot_is_read_stored_corrected_and_answered_again(
    service_process: str, image_host: ImageHost
) -> None:
    image = screenshot(["易方达消费行业股票", "基金代码 110022", "持有份额 1,234.56", "参考市值 3,456.78"])
    url = image_host.put("operator-screenshot.png", image)
    async with aiohttp.ClientSession(base_url=service_process) as http:
        async with http.post("/ocr_handler", json={"image_url": url, "url_type": "oss"}) as response:
            first = await response.json()
            assert response.status == 200, first
        assert first["source"] == "ocr"
        assert first["flag"] is True
        assert first["data"] == {"fund_code": "110022", "hold_share": "1234.56"}
        assert any("110022" in line["text"] for line in first["lines"])
        assert first["models"]["ocr"] and first["models"]["ner"]
        assert {"type": "FUND_CODE", "text": "110022"}.items() <= _entity(first["entities"], "FUND_CODE").items()
        assert first["ocr"]["decided_by"] in ("rules", "both")

        correction = {"image_url": url, "update_fund_code": "110022", "update_hold_share": "1300"}
        async with http.post("/ocr_info_update", json=correction, headers={"X-API-Key": API_KEY}) as response:
            assert response.status == 200, await response.text()

        async with http.post("/ocr_handler", json={"image_url": url, "url_type": "oss"}) as response:
            again = await response.json()
        assert again["source"] == "stored" and again["corrected"] is True
        assert again["data"] == {"fund_code": "110022", "hold_share": "1300"}
        assert again["ocr"]["hold_share"] == "1234.56"

        async with http.get("/metrics") as response:
            assert "fundocr_ocr_seconds_count 1.0" in await response.text()
    assert image_host.hits["/img/operator-screenshot.png"] == 1


async def test_the_entity_model_answers_on_its_own(service_process: str) -> None:
    text = "易方达消费行业股票\n基金代码 110022\n可用份额 8,000.00"
    async with aiohttp.ClientSession(base_url=service_process) as http:
        async with http.post("/ner", json={"text": text}) as response:
            answer = await response.json()
            assert response.status == 200, answer
        async with http.post("/ner", json={"text": 42}) as response:
            refused = await response.json()
            assert response.status == 400 and refused["field"] == "text"
    code = _entity(answer["entities"], "FUND_CODE")
    assert text[code["start"] : code["end"]] == code["text"] == "110022"
    assert all(text[e["start"] : e["end"]] == e["text"] for e in answer["entities"])
    assert {e["type"] for e in answer["entities"]} <= set(ENTITY_TYPES)


def _entity(entities: list[dict], kind: str) -> dict:
    found = [entity for entity in entities if entity["type"] == kind]
    assert len(found) == 1, entities
    return found[0]


def test_bad_configuration_stops_the_start_with_the_key_named(tmp_path: Path) -> None:
    failed = run(env=environment(tmp_path, SERVER__PORT="eighty"))
    assert failed.returncode != 0
    assert "server.port" in failed.stderr


async def test_when_one_model_fails_to_load_the_others_are_closed(tmp_path: Path, sqlite_url: str) -> None:
    (tmp_path / "model").mkdir()  # a model folder without a model
    ocr = FakeOcr()
    config = config_for(sqlite_url, NER__ENABLED="true", NER__MODEL_DIR=str(tmp_path / "model"))
    with pytest.raises(FileNotFoundError, match="config.json"):
        await load_models(config, ocr_factory=ocr_factory(ocr))
    assert ocr.closed
