"""schemathesis against the OpenAPI description: generated requests never get a 500 or an undocumented answer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    ignored_auth,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from testkit.api import API_KEY, served
from testkit.fakes import FakeOcr
from testkit.rabbitmq import broker_queue
from testkit.servers import StaticResolver
from testkit.settings import config_for

# An oversized negative body is refused by the body-size limit (413) before validation (400): both reject it.
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
# The key through schemathesis' auth settings, so its probes of the secured operations know which key is valid.
CONFIG = SchemathesisConfig.from_dict(
    {
        "auth": {"openapi": {"apiKey": {"api_key": API_KEY}, "bearer": {"bearer": API_KEY}}},
        "checks": {"negative_data_rejection": {"expected-statuses": REJECTIONS}},
    }
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    ignored_auth,
]


@pytest.fixture(scope="module")
def api_schema(sqlite_url: str) -> Iterator[schemathesis.BaseSchema]:
    # Private networks refused and a DNS that knows no name: generated URLs never leave the machine.
    # The real NER model serves /ner, so generated texts reach it; the real broker takes generated jobs.
    with broker_queue() as queue:
        config = config_for(
            sqlite_url,
            AUTH__API_KEYS__BACKOFFICE=API_KEY,
            DOWNLOAD__ALLOW_PRIVATE_NETWORKS="false",
            NER__ENABLED="true",
            **queue,
        )
        server, _app = served(config, FakeOcr(), resolver=StaticResolver({}))
        with server as base:
            yield schemathesis.openapi.from_url(f"{base}/docs/openapi.json", config=CONFIG)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_description(api_schema: schemathesis.BaseSchema, mode: GenerationMode) -> None:
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {f"{op.method.upper()} {op.path}" for op in operations} >= {"POST /ocr_handler", "POST /ocr_info_update"}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.method.upper() != "POST":
            continue  # nothing to get wrong in a GET without parameters

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def exchange(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=CHECKS)

        exchange()
