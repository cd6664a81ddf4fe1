"""static/src/protocol.ts and the frame tables of docs/protocol.md are what `make protocol`
writes from core/protocol.py: a change to the declaration without regenerating fails."""

from core import protocol_codegen


def test_protocol_ts_is_generated_from_the_declaration():
    written = protocol_codegen.TS_PATH.read_text(encoding="utf-8")

    assert written == protocol_codegen.typescript() + "\n", (
        "static/src/protocol.ts is stale: run `make protocol`"
    )


def test_protocol_docs_tables_are_generated_from_the_declaration():
    written = protocol_codegen.DOCS_PATH.read_text(encoding="utf-8")

    assert written == protocol_codegen.docs(written), (
        "the generated tables of docs/protocol.md are stale: run `make protocol`"
    )


def test_every_generated_table_has_its_place_in_the_docs():
    written = protocol_codegen.DOCS_PATH.read_text(encoding="utf-8")

    for name in protocol_codegen.tables():
        assert f"<!-- generated: {name} (make protocol" in written
        assert f"<!-- end generated: {name} -->" in written
