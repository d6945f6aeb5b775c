"""PaddleHub modules shipped with the service; each folder is a self-contained module directory."""
