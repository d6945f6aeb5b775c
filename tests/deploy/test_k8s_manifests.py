"""deploy/k8s: each manifest against the Kubernetes schemas (offline, kubernetes-validate), and their wiring to
one another and to what the service really reads and serves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from core.settings import DEFAULT_PATH, load_settings
from server import create_app, main

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
KUBERNETES = "1.37"
# MySQL's default max_connections; the replicas' pools must leave some for the migration Job and an operator.
MYSQL_CONNECTIONS = 151
SPARE_CONNECTIONS = 10


def load(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


MANIFESTS = sorted(K8S.rglob("*.yaml"))
WORKER = K8S / "worker"  # applied on its own: its ScaledObject needs KEDA in the cluster
KEDA = "keda.sh/v1alpha1"  # a custom resource: not in the Kubernetes schemas, checked by hand below
CORE_MANIFESTS = [path for path in MANIFESTS if all(doc["apiVersion"] != KEDA for doc in load(path))]


def by_kind(paths: list[Path]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in paths:
        for doc in load(path):
            assert doc["kind"] not in found, f"{path.name}: a second {doc['kind']}"
            found[doc["kind"]] = doc
    return found


@pytest.fixture(scope="module")
def kinds() -> dict[str, dict[str, Any]]:
    """Every object of deploy/k8s but the worker's by kind (each kind appears once)."""
    return by_kind([path for path in MANIFESTS if WORKER not in path.parents])


@pytest.fixture(scope="module")
def worker() -> dict[str, dict[str, Any]]:
    """deploy/k8s/worker's objects by kind."""
    return by_kind(sorted(WORKER.glob("*.yaml")))


@pytest.mark.parametrize("path", CORE_MANIFESTS, ids=lambda path: str(path.relative_to(K8S)))
def test_manifest_matches_the_kubernetes_schema(path: Path) -> None:
    for doc in load(path):
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)  # raises on an unknown or mistyped field


def test_the_validator_rejects_a_misspelt_field(kinds: dict[str, dict[str, Any]]) -> None:
    deployment = kinds["Deployment"]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    broken = {**container, "readinessProb": container["readinessProbe"]}
    doc = {**deployment, "spec": {**deployment["spec"], "template": {"spec": {"containers": [broken]}}}}
    with pytest.raises(kubernetes_validate.ValidationError, match="'readinessProb' was unexpected"):
        kubernetes_validate.validate(doc, KUBERNETES, strict=True)


def the_container(workload: dict[str, Any]) -> dict[str, Any]:
    (container,) = workload["spec"]["template"]["spec"]["containers"]
    return container


def environment(kinds: dict[str, dict[str, Any]]) -> dict[str, str]:
    """What a pod's envFrom gives it: the ConfigMap's data and the Secret's stringData."""
    return {**kinds["ConfigMap"]["data"], **kinds["Secret"]["stringData"]}


def test_probes_hit_the_service_routes_on_its_port(kinds: dict[str, dict[str, Any]]) -> None:
    container = the_container(kinds["Deployment"])
    config = load_settings(environ=environment(kinds))
    routes = {"/" + route.path for route in create_app(config).router.routes if "GET" in route.methods}
    paths = {probe: container[probe]["httpGet"]["path"] for probe in ("startupProbe", "readinessProbe", "livenessProbe")}
    assert paths == {"startupProbe": "/ready", "readinessProbe": "/ready", "livenessProbe": "/health"}
    assert set(paths.values()) <= routes
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert {container[probe]["httpGet"]["port"] for probe in paths} == {"http"}
    assert ports == {"http": config.server.port}
    # the image listens on every interface (Dockerfile ENV), as a pod must
    assert "FUNDOCR_SERVER__HOST=0.0.0.0" in (REPO / "Dockerfile").read_text()


def test_the_start_up_probe_outlasts_the_model_load(kinds: dict[str, dict[str, Any]]) -> None:
    probe = the_container(kinds["Deployment"])["startupProbe"]
    # start to /ready measured at 17-30 s here and up to 2 minutes on a busy 2-core machine (docs/benchmarks.md)
    assert probe["periodSeconds"] * probe["failureThreshold"] >= 120
    # liveness must not kill a pod for a database outage: it never looks at /ready
    assert the_container(kinds["Deployment"])["livenessProbe"]["httpGet"]["path"] == "/health"


def config_keys(tree: dict[str, Any], prefix: str = "") -> set[str]:
    keys = set()
    for key, value in tree.items():
        keys.add(prefix + key)
        if isinstance(value, dict):
            keys |= config_keys(value, f"{prefix}{key}.")
    return keys


def test_every_setting_is_a_key_of_config_yaml_the_loader_accepts(kinds: dict[str, dict[str, Any]]) -> None:
    known = config_keys(yaml.safe_load(DEFAULT_PATH.read_text()))
    env = environment(kinds)
    for name in env:
        assert name.startswith("FUNDOCR_"), name
        section, *rest = name.removeprefix("FUNDOCR_").lower().split("__")
        assert section in known, f"{name}: no section {section} in config.yaml"
        # api_keys.<name> names a client: its parent is the key config.yaml knows
        assert f"{section}.{rest[0]}" in known, f"{name}: no key {section}.{rest[0]} in config.yaml"
    config = load_settings(environ=env)  # an unknown name or a bad value raises ConfigError
    assert config.database.url.startswith("mysql+aiomysql://")
    assert config.auth.api_keys and config.auth.require_for == "all"


def test_secrets_are_in_the_secret_only_and_marked_as_placeholders(kinds: dict[str, dict[str, Any]]) -> None:
    secret = kinds["Secret"]["stringData"]
    assert {"FUNDOCR_DATABASE__URL", "FUNDOCR_AUTH__API_KEYS__BACKOFFICE"} <= set(secret)
    assert all("CHANGE-ME" in value for value in secret.values())
    assert not [name for name in kinds["ConfigMap"]["data"] if "DATABASE__URL" in name or "API_KEYS" in name]


def test_the_deployment_and_the_migration_job_run_one_image_with_one_configuration(
    kinds: dict[str, dict[str, Any]],
) -> None:
    serve, migrate = the_container(kinds["Deployment"]), the_container(kinds["Job"])
    assert serve["image"] == migrate["image"]
    sources = {"configMapRef": kinds["ConfigMap"]["metadata"]["name"], "secretRef": kinds["Secret"]["metadata"]["name"]}
    for container in (serve, migrate):
        assert [{kind: {"name": name}} for kind, name in sources.items()] == container["envFrom"]


@pytest.mark.parametrize(("kind", "command"), [("Deployment", "serve"), ("Job", "migrate")])
def test_the_commands_are_server_commands(kinds: dict[str, dict[str, Any]], kind: str, command: str) -> None:
    words = " ".join(the_container(kinds[kind])["command"])
    assert re.search(rf"\bpython server\.py {command}$", words)
    with pytest.raises(SystemExit) as refused:  # server.py's parser refuses a command it does not know
        main([f"{command}-not-a-command"])
    assert refused.value.code == 2


def test_service_pdb_and_autoscaler_point_at_the_deployment(kinds: dict[str, dict[str, Any]]) -> None:
    deployment = kinds["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert kinds["Service"]["spec"]["selector"].items() <= labels.items()
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    assert kinds["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    target = kinds["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert "replicas" not in deployment["spec"]  # the autoscaler owns the count
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert kinds["Job"]["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] != labels[
        "app.kubernetes.io/component"
    ]  # the Service never sends traffic to the migration


def test_resources_fit_the_engines_and_the_database(kinds: dict[str, dict[str, Any]]) -> None:
    config = load_settings(environ=environment(kinds))
    resources = the_container(kinds["Deployment"])["resources"]
    assert float(resources["requests"]["cpu"]) == config.ocr.instances * config.ocr.threads_per_instance
    assert "cpu" not in resources["limits"]
    mebibytes = {"Mi": 1, "Gi": 1024}
    request, limit = (
        int(value[:-2]) * mebibytes[value[-2:]]
        for value in (resources["requests"]["memory"], resources["limits"]["memory"])
    )
    assert 2250 <= request <= limit  # RSS peak of a worker and two engines: 2,250-2,306 MB measured
    hpa = kinds["HorizontalPodAutoscaler"]["spec"]
    per_replica = config.server.workers * (config.database.pool_size + config.database.max_overflow)
    assert hpa["maxReplicas"] * per_replica <= MYSQL_CONNECTIONS - SPARE_CONNECTIONS
    assert kinds["PodDisruptionBudget"]["spec"]["maxUnavailable"] < hpa["minReplicas"]


def test_the_worker_runs_the_replicas_image_and_configuration_as_python_server_py_worker(
    kinds: dict[str, dict[str, Any]], worker: dict[str, dict[str, Any]]
) -> None:
    serve, work = the_container(kinds["Deployment"]), the_container(worker["Deployment"])
    assert work["image"] == serve["image"] and work["envFrom"] == serve["envFrom"]
    assert re.search(r"\bpython server\.py worker$", " ".join(work["command"]))
    assert work["resources"] == serve["resources"]  # the same engines and model in each pod
    assert "replicas" not in worker["Deployment"]["spec"]  # KEDA owns the count
    config = load_settings(environ=environment(kinds))
    assert config.queue.configured  # the workers and the API replicas reach the broker
    # SIGTERM: the worker finishes what it holds for up to server.response_timeout before it is killed
    assert worker["Deployment"]["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > config.server.response_timeout
    labels = worker["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert worker["Deployment"]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert not kinds["Service"]["spec"]["selector"].items() <= labels.items()  # no HTTP traffic to workers


def test_keda_scales_the_worker_on_the_length_of_the_queue_it_consumes(
    kinds: dict[str, dict[str, Any]], worker: dict[str, dict[str, Any]]
) -> None:
    scaled = worker["ScaledObject"]
    assert scaled["apiVersion"] == KEDA
    spec = scaled["spec"]
    # the ScaledObject CRD's fields (KEDA 2.x): a misspelt one would be dropped by the API server unnoticed
    assert set(spec) <= {"scaleTargetRef", "minReplicaCount", "maxReplicaCount", "pollingInterval", "cooldownPeriod",
                         "idleReplicaCount", "fallback", "advanced", "triggers", "initialCooldownPeriod"}  # fmt: skip
    target = worker["Deployment"]
    assert (spec["scaleTargetRef"]["kind"], spec["scaleTargetRef"]["name"]) == ("Deployment", target["metadata"]["name"])
    assert 0 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
    (trigger,) = spec["triggers"]
    assert trigger["type"] == "rabbitmq" and set(trigger) <= {"type", "metadata", "name", "authenticationRef"}
    metadata = trigger["metadata"]
    assert all(isinstance(value, str) for value in metadata.values())  # the CRD takes strings only
    assert metadata["mode"] == "QueueLength" and int(metadata["value"]) >= 1 and metadata["protocol"] == "amqp"
    config = load_settings(environ=environment(kinds))
    assert metadata["queueName"] == config.queue.name
    assert metadata["hostFromEnv"] in environment(kinds)  # KEDA reads it from the worker's envFrom
    # every pod's database pool, API replicas and workers at their most, leaves MySQL room to spare
    per_pod = config.server.workers * (config.database.pool_size + config.database.max_overflow)
    pods = kinds["HorizontalPodAutoscaler"]["spec"]["maxReplicas"] + spec["maxReplicaCount"]
    assert pods * per_pod <= MYSQL_CONNECTIONS - SPARE_CONNECTIONS
