"""The inference backends that run the PP-OCR models on the CPU: Paddle Inference or OpenVINO.

Both read the same Paddle model folders (OpenVINO through its Paddle front end), take [batch, 3, H, W]
float32 and return the first output. Neither is thread-safe: each pipeline owns its predictors. Each
backend's library is imported only when chosen: an OpenVINO engine process never loads Paddle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Protocol, get_args

import numpy as np

from core.settings import DetectorPrecision as Precision
from core.settings import OcrBackend as Backend

from .models import quantised_model

BACKENDS: tuple[Backend, ...] = get_args(Backend)
PRECISIONS: tuple[Precision, ...] = get_args(Precision)


class Predictor(Protocol):
    def __call__(self, batch: np.ndarray) -> np.ndarray: ...


def load_predictor(
    model_dir: Path, *, backend: Backend, precision: Precision, threads: int, shape_cache: int
) -> Predictor:
    """A predictor for one model folder; `shape_cache` bounds the compiled kernels kept per input shape;
    `precision` is OpenVINO's (Paddle runs in f32): int8 runs the folder's quantised model."""
    check_precision(precision)
    if backend == "paddle":
        return PaddlePredictor(model_dir, threads=threads, shape_cache=shape_cache)
    if backend == "openvino":
        model = quantised_model(model_dir) if precision == "int8" else model_dir / "inference.pdmodel"
        return OpenVinoPredictor(model, precision=precision, threads=threads, shape_cache=shape_cache)
    raise ValueError(f"unknown OCR backend {backend!r}; known: {list(BACKENDS)}")


def check_precision(precision: str) -> None:
    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; known: {list(PRECISIONS)}")


def computed_precision(backend: Backend, precision: Precision) -> Precision:
    """The precision `backend` computes in when asked for `precision` on this CPU. Paddle computes in f32.
    OpenVINO asked for int8 runs the quantised model. On a CPU without AVX-512 BF16 or AMX, OpenVINO asked
    for bf16 is twice as slow as in f32 (the detector 471 against 229 ms on an Ice Lake Xeon,
    docs/benchmarks.md): f32 is what it is asked for there."""
    check_precision(precision)
    if backend == "paddle":
        return "f32"
    if precision == "int8":
        return "int8"
    return float_precision(precision)


def float_precision(precision: Precision) -> Precision:
    """What OpenVINO computes in floats when asked for `precision` (int8: what the quantisation left in
    floats): bf16 where the CPU computes it, else f32."""
    return "bf16" if precision != "f32" and cpu_has_bf16() else "f32"


@cache
def cpu_has_bf16() -> bool:
    import openvino

    return "BF16" in openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


class PaddlePredictor:
    """Paddle Inference with oneDNN, in f32 only: with `enable_mkldnn_bfloat16` Paddle 3.3 fails on the
    PP-OCRv4 detector (a float32 read of a bfloat16 tensor in elementwise_mul)."""

    def __init__(self, model_dir: Path, *, threads: int, shape_cache: int) -> None:
        from paddle import inference

        config = inference.Config(str(model_dir / "inference.pdmodel"), str(model_dir / "inference.pdiparams"))
        config.disable_gpu()
        config.set_cpu_math_library_num_threads(threads)
        config.enable_mkldnn()
        # oneDNN compiles kernels per input shape and keeps them; without a bound, memory grows with every
        # new shape. The stages also round shapes to a few buckets so the cache mostly hits.
        config.set_mkldnn_cache_capacity(shape_cache)
        config.enable_memory_optim()
        config.disable_glog_info()
        self._predictor = inference.create_predictor(config)
        self._input = self._predictor.get_input_handle(self._predictor.get_input_names()[0])
        self._output = self._predictor.get_output_handle(self._predictor.get_output_names()[0])

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self._input.copy_from_cpu(np.ascontiguousarray(batch, dtype=np.float32))
        self._predictor.run()
        return self._output.copy_to_cpu()


class OpenVinoPredictor:
    """OpenVINO's CPU plugin on one model file (a Paddle `inference.pdmodel`, or OpenVINO's own, quantised or
    not), one stream of `threads` threads, latency-bound."""

    def __init__(self, model: Path, *, precision: Precision, threads: int, shape_cache: int) -> None:
        import openvino

        core = openvino.Core()
        compiled = core.compile_model(
            core.read_model(str(model)),
            "CPU",
            {
                "INFERENCE_NUM_THREADS": threads,
                "NUM_STREAMS": 1,
                "PERFORMANCE_HINT": "LATENCY",
                # Pinned, the one inference thread of every engine process lands on the same core: two
                # engines then share one core while the other idles. The kernel spreads them unpinned.
                "ENABLE_CPU_PINNING": False,
                "INFERENCE_PRECISION_HINT": float_precision(precision),
                # Kernels per input shape, as with oneDNN's cache above: bounded, so memory stays flat.
                "CPU_RUNTIME_CACHE_CAPACITY": shape_cache,
                # Values too small for floats' full precision count as zero: the same outputs on real pages
                # (docs/benchmarks.md, issue 16), a few per cent faster.
                "CPU_DENORMALS_OPTIMIZATION": True,
            },
        )
        self._request = compiled.create_infer_request()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        # Shared, not copied into the request: the call returns only once inference is done with it.
        return self._request.infer({0: np.ascontiguousarray(batch, dtype=np.float32)}, share_inputs=True)[0]
