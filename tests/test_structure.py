"""The import structure the README's "How it is built" describes. `make lint` checks the layers with
import-linter (pyproject.toml); this adds what its contracts cannot say: no module reaches itself again through
its imports, function-local ones included, so no two modules import each other even through a chain."""

import grimp
import pytest


@pytest.fixture
def graph():
    return grimp.build_graph("eventreg")


def import_cycles(graph) -> list[list[str]]:
    """For each direct import a -> b that b leads back from, the shortest way back: a, b, ..., a."""
    cycles = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                cycles.append([importer, *back])
    return cycles


def test_no_module_imports_itself_through_others(graph):
    assert import_cycles(graph) == []


def test_a_cycle_is_found_where_there_is_one(graph):
    """The check itself: an import from the catalog's models back up to the factory closes a loop."""
    graph.add_import(importer="eventreg.events.models", imported="eventreg")
    cycles = import_cycles(graph)
    assert any(cycle[:2] == ["eventreg.events.models", "eventreg"] for cycle in cycles)
    assert all(cycle[0] == cycle[-1] for cycle in cycles)
