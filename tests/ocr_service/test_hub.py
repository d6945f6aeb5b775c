"""The PaddleHub module: loaded by directory and by name from a private HUB_HOME, served by `hub serving`,
and never online."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from ocr_service.errors import OcrError
from ocr_service.hub import MODULE_DIR, MODULE_NAME, install_module
from testkit.drawing import HOLDINGS, encode
from testkit.servers import closed_port, stop_group, wait_ready

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: HUB_HOME is read when paddlehub is imported, and the socket guard must be in
# place before anything else. Every attempt to resolve or connect is recorded and refused.
PROBE = textwrap.dedent(
    """
    import json, socket, sys, threading

    attempts = []

    def refuse(name):
        def guard(*args, **kwargs):
            attempts.append(name)
            raise OSError(f"network disabled by the test ({name})")
        return guard

    socket.socket.connect = refuse("connect")
    socket.socket.connect_ex = refuse("connect_ex")
    socket.create_connection = refuse("create_connection")
    socket.getaddrinfo = refuse("getaddrinfo")

    def settle():
        for thread in threading.enumerate():
            if thread is not threading.current_thread():
                thread.join(30)
        taken = list(attempts)
        attempts.clear()
        return taken

    image_path, out_path, vis_dir = sys.argv[1:]
    import cv2
    import paddlehub as hub
    from paddlehub.server.server import CacheUpdater

    seen = {"import": settle()}
    # Control: PaddleHub's report thread, as shipped, reaches for the network, and the guard sees it.
    CacheUpdater("update_cache", module="probe", version="0.0.0").start()
    seen["control"] = settle()

    from ocr_service.hub import MODULE_DIR, install_module

    installed = install_module()
    by_name = hub.Module(name="chinese_ocr_db_crnn_mobile")
    by_dir = hub.Module(directory=str(MODULE_DIR))
    result = {
        "installed": str(installed),
        "name_directory": by_name.directory,
        "meta": [by_name.name, str(by_name.version), by_dir.name],
        "by_name": by_name.recognize_text(
            images=[cv2.imread(image_path), cv2.imread(image_path, cv2.IMREAD_GRAYSCALE)],
            use_gpu=False, output_dir=vis_dir, visualization=True,
            box_thresh=0.5, text_thresh=0.5,
        ),
        "by_dir": by_dir.recognize_text(paths=[image_path]),
    }
    seen["modules"] = settle()
    result["seen"] = seen
    with open(out_path, "w") as out:
        json.dump(result, out, ensure_ascii=False)
    """
)


@pytest.fixture(scope="module")
def probe(tmp_path_factory, page):
    work = tmp_path_factory.mktemp("hub")
    image, _ = page(HOLDINGS)
    (work / "page.png").write_bytes(encode(image))
    env = {**os.environ, "HUB_HOME": str(work / "hub_home"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(work / "page.png"), str(work / "out.json"), str(work / "vis")],
        env=env,
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return work, json.loads((work / "out.json").read_text())


def test_the_guard_sees_paddlehubs_own_report(probe):
    _, result = probe
    assert result["seen"]["control"], "the guard must catch PaddleHub's report, or the next test proves nothing"


def test_loading_and_recognising_open_no_socket(probe):
    _, result = probe
    assert result["seen"]["import"] == []
    assert result["seen"]["modules"] == []


def test_name_resolves_to_the_module_linked_under_hub_home(probe):
    work, result = probe
    assert result["installed"] == str(work / "hub_home" / "modules" / MODULE_NAME)
    assert result["name_directory"] == result["installed"]
    assert result["meta"] == [MODULE_NAME, "2.0.0", MODULE_NAME]


def test_recognize_text_keeps_the_classic_result_shape(probe):
    work, result = probe
    expected = [text.replace(" ", "") for _, _, text in HOLDINGS]
    assert len(result["by_name"]) == 2 and len(result["by_dir"]) == 1  # colour and grey; one path
    for one in result["by_name"] + result["by_dir"]:
        assert set(one) == {"save_path", "data"}
        data = one["data"]
        assert [item["text"].replace(" ", "") for item in data] == expected
        for item in data:
            assert set(item) == {"text", "confidence", "text_box_position"}
            assert 0.5 <= item["confidence"] <= 1
            assert len(item["text_box_position"]) == 4 and all(len(p) == 2 for p in item["text_box_position"])
    assert result["by_dir"][0]["data"] == result["by_name"][0]["data"]
    assert result["by_dir"][0]["save_path"] == ""
    for drawn in result["by_name"]:
        assert Path(drawn["save_path"]).parent == work / "vis" and Path(drawn["save_path"]).stat().st_size > 0


def test_install_replaces_our_link_and_leaves_a_foreign_folder_alone(tmp_path):
    first = install_module(tmp_path)
    again = install_module(tmp_path)
    assert first == again and again.resolve() == MODULE_DIR
    other = tmp_path / "other"
    (other / "modules" / MODULE_NAME).mkdir(parents=True)
    with pytest.raises(OcrError, match="already exists"):
        install_module(other)


# Loaded by every Python process of `hub serving` (sitecustomize on PYTHONPATH): a TCP connection or a name
# lookup for anything but loopback is written to $NETWORK_LOG and refused before it leaves the process.
# Werkzeug connects a UDP socket to 10.253.155.219 to learn which address it serves on, which sends no
# packet: refused as well, not logged.
GUARD = textwrap.dedent(
    """
    import os, socket

    LOCAL = ("127.", "::1", "localhost", "0.0.0.0")
    _connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def outside(host):
        if str(host).startswith(LOCAL):
            return False
        with open(os.environ["NETWORK_LOG"], "a") as log:
            log.write(f"{host}\\n")
        return True

    def connect(self, address):
        if isinstance(address, tuple) and not str(address[0]).startswith(LOCAL):
            if self.type == socket.SOCK_STREAM:
                outside(address[0])
            raise OSError("network disabled by the test")
        return _connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        if host is not None and outside(host):
            raise OSError("network disabled by the test")
        return _getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.getaddrinfo = getaddrinfo
    """
)


@pytest.fixture(scope="module")
def hub_serving(tmp_path_factory):
    """`python -m ocr_service.hub serving start -c CONFIG` on a free loopback port, one process, stock engine."""
    work = tmp_path_factory.mktemp("serving")
    (work / "guard").mkdir()
    (work / "guard" / "sitecustomize.py").write_text(GUARD)
    port = closed_port()
    init_args = {"backend": "paddle", "max_side": 1280, "line_min_width": 320}
    config = {"modules_info": {MODULE_NAME: {"init_args": init_args, "predict_args": {}}}, "port": port}
    (work / "config.json").write_text(json.dumps(config))
    env = {
        **os.environ,
        "HUB_HOME": str(work / "hub_home"),
        "PYTHONPATH": os.pathsep.join([str(work / "guard"), str(ROOT)]),
        "NETWORK_LOG": str(work / "network.log"),
        "OMP_NUM_THREADS": "1",
    }
    log = work / "serving.log"
    with log.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "ocr_service.hub", "serving", "start", "-c", str(work / "config.json")],
            cwd=work, env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_ready(process, f"http://127.0.0.1:{port}/", log)
        yield f"http://127.0.0.1:{port}", work, env
    finally:
        stop_group(process)


def predict(base: str, body: dict) -> dict:
    request = urllib.request.Request(
        f"{base}/predict/{MODULE_NAME}", json.dumps(body).encode(), {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=300) as response:
        return json.loads(response.read())


def test_hub_serving_reads_base64_images_with_the_serving_method(hub_serving, page):
    base, _, _ = hub_serving
    image, _ = page(HOLDINGS)
    files = [encode(image), encode(image, "JPEG", quality=90)]
    answer = predict(base, {"images": [base64.b64encode(data).decode() for data in files]})
    assert answer["status"] == "000", answer
    expected = [text.replace(" ", "") for _, _, text in HOLDINGS]
    assert len(answer["results"]) == 2
    for one in answer["results"]:
        assert set(one) == {"save_path", "data"}
        assert [item["text"].replace(" ", "") for item in one["data"]] == expected


def test_hub_serving_passes_recognize_text_arguments(hub_serving, page):
    base, _, _ = hub_serving
    image, _ = page(HOLDINGS)
    answer = predict(base, {"images": [base64.b64encode(encode(image)).decode()], "text_thresh": 1.0})
    assert answer["status"] == "000", answer
    assert answer["results"][0]["data"] == []  # no line is read with confidence 1


@pytest.mark.parametrize(
    ("images", "message"),
    [
        (["not base64 at all!"], "images: not base64"),
        ([base64.b64encode(b"plain text, not an image").decode()], "not an image cv2 can read"),
        ("one string, not a list", "images: expected a list of base64 strings"),
    ],
)
def test_hub_serving_reports_bad_images_clearly(hub_serving, images, message):
    base, _, _ = hub_serving
    answer = predict(base, {"images": images})
    assert answer["status"] == "101" and message in answer["msg"], answer


def test_hub_serving_opens_no_socket_beyond_loopback(hub_serving):
    _, work, env = hub_serving
    network_log = work / "network.log"
    assert not network_log.exists(), network_log.read_text()
    # Control: the same guard in a process of the same environment catches an outside lookup.
    control = "import socket\ntry:\n    socket.getaddrinfo('example.invalid', 443)\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", control], env=env, check=True, timeout=60)
    assert network_log.read_text() == "example.invalid\n"
