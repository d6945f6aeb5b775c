"""The image's HEALTHCHECK: exit 0 when the service answers GET /health on its configured port, else 1."""

import sys
import urllib.request

from core.settings import load_settings

# An address to listen on is not an address to call: "every interface" is reached on loopback.
_ANY = {"0.0.0.0", "::", ""}


def main() -> int:
    server = load_settings().server
    host = "127.0.0.1" if server.host in _ANY else server.host
    try:
        with urllib.request.urlopen(f"http://{host}:{server.port}/health", timeout=3) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"health check failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
