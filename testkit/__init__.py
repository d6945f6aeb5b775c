"""What the tests and the benchmarks share: fonts and drawn pages, a loopback image host, real servers on
127.0.0.1 and the processes around them, test databases, and an OCR stand-in. Never imported by the service."""
