"""The layout's rules hold: no import cycle, imports only go down a stage, the picture is current."""

from __future__ import annotations

import importlib.util
import sys

from conftest import ROOT

spec = importlib.util.spec_from_file_location("architecture", ROOT / "tools" / "architecture.py")
architecture = importlib.util.module_from_spec(spec)
sys.modules["architecture"] = architecture
spec.loader.exec_module(architecture)


def test_the_code_has_no_cycle_no_upward_import_and_a_current_picture():
    graph = architecture.import_graph()
    assert "qa.engine" in graph and "bot.handlers" in graph and "qa.indexing.readers.pdf" in graph
    assert "qa.retrieval.pipeline" in graph["qa.answering.builder"]  # the graph sees real imports
    assert architecture.problems(graph) == []


def test_every_module_belongs_to_a_stage():
    for module in architecture.import_graph():
        assert architecture.stage_of(module)  # raises for a module outside LAYERS


def test_a_cycle_is_found_even_round_a_loop():
    graph = {"qa.a": {"qa.b"}, "qa.b": {"qa.c"}, "qa.c": {"qa.a"}, "qa.d": {"qa.a"}}
    assert architecture.cycles(graph) == [["qa.a", "qa.b", "qa.c"]]


def test_upward_and_sideways_imports_are_violations():
    graph = {
        "qa.retrieval.pipeline": {"qa.answering.builder", "qa.storage.versions"},  # up, down
        "qa.indexing.build": {"qa.answering.features"},  # a neighbour on the same row
        "qa.answering.builder": {"qa.retrieval.pipeline"},
    }
    found = {(v.importer, v.imported) for v in architecture.layer_violations(graph)}
    assert found == {("qa.retrieval.pipeline", "qa.answering.builder"),
                     ("qa.indexing.build", "qa.answering.features")}


def test_a_lazy_import_inside_a_function_counts(tmp_path):
    source = tmp_path / "qa" / "retrieval"
    source.mkdir(parents=True)
    (source / "late.py").write_text("def f():\n    from qa.engine import Engine\n", encoding="utf-8")
    names = architecture.imported_names(source / "late.py", "qa.retrieval.late", {"qa.engine"})
    assert names == {"qa.engine"}


def test_a_stale_picture_is_reported(tmp_path, monkeypatch):
    doc = tmp_path / "architecture.md"
    doc.write_text(f"x\n{architecture.BEGIN}\nold picture\n{architecture.END}\ny\n", encoding="utf-8")
    monkeypatch.setattr(architecture, "DOC", doc)
    monkeypatch.setattr(architecture, "ROOT", tmp_path)
    graph = architecture.import_graph()
    assert any("stale" in line for line in architecture.problems(graph))
    doc.write_text(architecture.replace_block(doc.read_text(encoding="utf-8"), architecture.mermaid(graph)),
                   encoding="utf-8")
    assert architecture.problems(graph) == []
