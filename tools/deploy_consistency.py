#!/usr/bin/env python3
"""Checks that the files in Deploy/ agree with each other and with the server.

  deploy_consistency.py DOCKER_COMPOSE_BINARY

Every HAProxy variable is set by compose, and its default in haproxy.cfg is compose's value;
one port everywhere (image, compose backends, ConfigMap, container port); the key file the
service is told to read is where the secret is mounted, and so is the database URL file (no
Secret reaches the pod as an environment variable); every manifest is in the one namespace;
probes and balancer checks use /readyz and /healthz; the grace periods cover the server's
shutdown (10 s HTTP drain + 5 s for workers); every VERIFIER_* setting the files give is one
docs/configuration.md documents; the Kubernetes thread counts do not exceed the container's
CPU limit. Prints one line per problem and exits 1 if there is any. Reads YAML with PyYAML
(a dependency of the Deploy linters).
"""
import json
import re
import subprocess
import sys

import yaml

SHUTDOWN_SECONDS = 15
DEPLOY = "Deploy"


def compose_config(binary):
    out = subprocess.run([binary, "--project-directory", DEPLOY, "-f", f"{DEPLOY}/compose.yaml",
                          "config", "--format", "json"], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def seconds(text):
    match = re.fullmatch(r"(\d+)s", str(text))
    if match:
        return int(match.group(1))
    return int(text) // 1_000_000_000  # compose normalises durations to nanoseconds


def documented_settings():
    text = "".join(open(f"docs/{name}").read() for name in ("configuration.md", "configuration-fetch.md"))
    return set(re.findall(r"`(VERIFIER_[A-Z0-9_]+)`", text))


def cpu_count(quantity):
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def main():
    problems = []
    documented = documented_settings()
    haproxy = open(f"{DEPLOY}/haproxy.cfg").read()
    dockerfile = open(f"{DEPLOY}/Dockerfile").read()
    compose = compose_config(sys.argv[1])
    kustomization = yaml.safe_load(open(f"{DEPLOY}/kubernetes/kustomization.yaml"))
    manifests = {doc["kind"]: doc for name in kustomization["resources"]
                 for doc in yaml.safe_load_all(open(f"{DEPLOY}/kubernetes/{name}")) if doc}

    port = re.search(r"^EXPOSE (\d+)$", dockerfile, re.M).group(1)
    if f"VERIFIER_PORT={port}" not in dockerfile:
        problems.append(f"Dockerfile: EXPOSE {port} but VERIFIER_PORT differs")

    balancer = compose["services"]["balancer"]
    for variable, default in sorted(set(re.findall(r"\$\{(\w+)(?:-([^}]*))?\}", haproxy))):
        if variable not in balancer.get("environment", {}):
            problems.append(f"compose: balancer does not set {variable}, used by haproxy.cfg")
        elif default != balancer["environment"][variable]:
            problems.append(f"haproxy.cfg: the default of {variable} is {default!r}, compose sets "
                            f"{balancer['environment'][variable]!r}")
    for name, value in balancer["environment"].items():
        if name.startswith("VERIFIER_BACKEND_"):
            host, _, backend_port = value.rpartition(":")
            if host not in compose["services"] or backend_port != port:
                problems.append(f"compose: {name}={value} is not a replica on port {port}")
    if "option httpchk GET /readyz" not in haproxy:
        problems.append("haproxy.cfg: the health check is not GET /readyz")

    for name, service in compose["services"].items():
        if not name.startswith("verifier-"):
            continue
        environment = service["environment"]
        targets = {path if path.startswith("/") else f"/run/secrets/{path}"
                   for path in (s.get("target") or s["source"] for s in service.get("secrets", []))}
        for variable in ("VERIFIER_KEY_FILE", "VERIFIER_EIP712_KEY_FILE"):
            if environment.get(variable) not in targets:
                problems.append(f"compose: {name} reads {variable}={environment.get(variable)}, "
                                f"secrets are mounted at {sorted(targets)}")
        if not environment.get("VERIFIER_DATABASE_URL", "").startswith("postgres://"):
            problems.append(f"compose: {name} has no PostgreSQL VERIFIER_DATABASE_URL")
        if seconds(service.get("stop_grace_period", "10s")) < SHUTDOWN_SECONDS:
            problems.append(f"compose: {name} stop_grace_period is shorter than {SHUTDOWN_SECONDS} s")

    config = manifests["ConfigMap"]["data"]
    given = set(config) | {name for service in compose["services"].values() for name in service.get("environment", {})}
    given |= set(re.findall(r"\b(VERIFIER_[A-Z0-9_]+)=", dockerfile))
    for name in sorted(n for n in given if n.startswith("VERIFIER_") and not n.startswith("VERIFIER_BACKEND_")):
        if name not in documented:
            problems.append(f"{name} is set in Deploy/ but not documented in docs/configuration.md")
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    if config.get("VERIFIER_PORT") != port or container["ports"][0]["containerPort"] != int(port):
        problems.append(f"kubernetes: the port is not {port} in both ConfigMap and container")
    cpus = cpu_count(container["resources"]["limits"]["cpu"])
    for name in ("VERIFIER_WORKERS", "VERIFIER_HTTP_IO_THREADS", "VERIFIER_HTTP_THREADS"):
        if name not in config:
            problems.append(f"kubernetes: {name} is not set (the default would follow the node without a quota)")
        elif int(config[name]) > max(1, int(-(-cpus // 1))):
            problems.append(f"kubernetes: {name}={config[name]} exceeds the CPU limit {cpus}")
    if container["readinessProbe"]["httpGet"]["path"] != "/readyz":
        problems.append("kubernetes: the readiness probe is not /readyz")
    if container["livenessProbe"]["httpGet"]["path"] != "/healthz":
        problems.append("kubernetes: the liveness probe is not /healthz")
    pre_stop = container.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", ["sleep", "0"])
    if pod["terminationGracePeriodSeconds"] < int(pre_stop[-1]) + SHUTDOWN_SECONDS:
        problems.append("kubernetes: terminationGracePeriodSeconds does not cover preStop + shutdown")
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    for variable in ("VERIFIER_KEY_FILE", "VERIFIER_EIP712_KEY_FILE"):
        key_file = config.get(variable, "")
        key_volume = mounts.get(key_file.rpartition("/")[0])
        folder, _, name = key_file.rpartition("/")
        installed = any("0600" in command and (key_file in command or (
            "-t" in command and command[command.index("-t") + 1] == folder and any(c.endswith("/" + name) for c in command)))
            for command in (init["command"] for init in pod["initContainers"]))
        if not key_file or key_volume is None or not installed:
            problems.append(f"kubernetes: {variable} {key_file!r} is not installed with mode 0600 into a mounted volume")
    secrets = {v["secret"]["secretName"]: v for v in pod["volumes"] if "secret" in v}
    if secrets.get("verifier-signing-key", {}).get("secret", {}).get("defaultMode") != 0o440:
        problems.append("kubernetes: the signing-key Secret volume mode is not 0440")
    url_file = config.get("VERIFIER_DATABASE_URL_FILE", "")
    url_volume = secrets.get("verifier-database", {}).get("name")
    if url_volume is None or mounts.get(url_file.rpartition("/")[0]) != url_volume:
        problems.append(f"kubernetes: VERIFIER_DATABASE_URL_FILE={url_file} is not the mounted Secret verifier-database")
    if any(e.get("valueFrom", {}).get("secretKeyRef") for e in container.get("env", [])):
        problems.append("kubernetes: a Secret is passed as an environment variable; mount it as a file")
    namespace = manifests["Namespace"]["metadata"]["name"]
    for kind, doc in manifests.items():
        if kind != "Namespace" and doc["metadata"].get("namespace") != namespace:
            problems.append(f"kubernetes: {kind} {doc['metadata']['name']} is not in namespace {namespace}")
    if pod["securityContext"].get("runAsNonRoot") is not True:
        problems.append("kubernetes: the pod may run as root")
    selector = manifests["Service"]["spec"]["selector"]
    labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    if any(labels.get(k) != v for k, v in selector.items()):
        problems.append("kubernetes: the Service selector does not match the pod labels")

    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
