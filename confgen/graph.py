"""`confgen graph`: workers, their bindings, namespaces and routes as Mermaid or DOT."""

from __future__ import annotations

import json

from confgen.model import NAMESPACE, RESOURCE_USES, Project
from confgen.rules.durable import hosts_with_paths

Edge = tuple[str, str, str, bool]  # from, to, label, dashed


def _id(kind: str, name: str) -> str:
    """A node id both formats accept; hex keeps distinct names distinct (`a.b` vs `a_b`)."""
    return f"{kind}_{name.encode().hex()}"


def collect(project: Project) -> tuple[dict[str, str], list[Edge], list[str]]:
    """Nodes (id -> label), edges, and the ids of namespaced workers, from the top level and
    every environment (a binding that exists anywhere is drawn once)."""
    nodes: dict[str, str] = {}
    edges: set[Edge] = set()
    namespaced = sorted(_id("w", w.name) for w in project.workers if w.deploy == NAMESPACE)
    known = {w.name for w in project.workers}
    for worker in project.workers:
        me = _id("w", worker.name)
        nodes[me] = worker.name
        for config in worker.configs:
            for s in config.services:
                kind = "w" if s.service in known else "ext"
                nodes.setdefault(_id(kind, s.service), s.service)
                edges.add((me, _id(kind, s.service), s.binding, False))
            for t in config.tail_consumers:
                kind = "w" if t.service in known else "ext"
                nodes.setdefault(_id(kind, t.service), t.service)
                edges.add((me, _id(kind, t.service), "tail", True))
            for attr, kind in RESOURCE_USES:
                for entry in getattr(config, attr):
                    name = entry.resource or getattr(entry, "id", None) or "inline"
                    nodes[_id(kind, name)] = f"{kind}: {name}"
                    edges.add((me, _id(kind, name), entry.binding or "consumer", False))
            for host, _ in hosts_with_paths(project, config):
                if host != worker.name:
                    edges.add((me, _id("w", host), "durable object / workflow", False))
            for d in config.dispatch_namespaces:
                ref = d.ref or d.namespace
                nodes[_id("ns", ref)] = f"namespace: {ref}"
                edges.add((me, _id("ns", ref), d.binding or "", False))
            for r in config.routes:
                nodes[_id("route", r.pattern)] = f"route: {r.pattern}"
                edges.add((_id("route", r.pattern), me, config.env or "", True))
    return dict(sorted(nodes.items())), sorted(edges), namespaced


def mermaid(project: Project) -> str:
    nodes, edges, namespaced = collect(project)
    lines = ["flowchart LR"]
    lines += [f"  {n}[{json.dumps(label)}]" for n, label in nodes.items() if n not in namespaced]
    if namespaced:
        lines.append('  subgraph namespaced["namespaced workers"]')
        lines += [f"    {n}[{json.dumps(nodes[n])}]" for n in namespaced]
        lines.append("  end")
    for a, b, label, dashed in edges:
        arrow = "-.->" if dashed else "-->"
        lines.append(f"  {a} {arrow}|{json.dumps(label)}| {b}" if label else f"  {a} {arrow} {b}")
    return "\n".join(lines) + "\n"


def dot(project: Project) -> str:
    nodes, edges, namespaced = collect(project)
    lines = ["digraph confgen {", "  rankdir=LR;"]
    lines += [f"  {n} [label={json.dumps(label)}];" for n, label in nodes.items()
              if n not in namespaced]
    if namespaced:
        lines.append('  subgraph cluster_namespaced { label="namespaced workers";')
        lines += [f"    {n} [label={json.dumps(nodes[n])}];" for n in namespaced]
        lines.append("  }")
    for a, b, label, dashed in edges:
        style = ", style=dashed" if dashed else ""
        lines.append(f"  {a} -> {b} [label={json.dumps(label)}{style}];")
    return "\n".join(lines + ["}"]) + "\n"


RENDERERS = {"mermaid": mermaid, "dot": dot}
