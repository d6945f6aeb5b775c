"""One Paddle inference predictor on the CPU. Predictors are not thread-safe: each pipeline owns its own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from paddle import inference


class Predictor:
    """Runs one model folder; input [batch, 3, H, W] float32, returns the first output."""

    def __init__(self, model_dir: Path, *, threads: int, shape_cache: int) -> None:
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
