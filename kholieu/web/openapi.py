"""Request bodies that are documented by a model but checked by the service.

Some endpoints check their body in the service rather than in FastAPI, because the service's
messages are the API's (``blueprint: sections.1.rows.0.counts.van_dung: …`` with 422, the same
from the API, the pages and the command line) and FastAPI's would differ (``body.…`` and a list
of pydantic errors). ``documented_as(Model)`` lets such a parameter take any value of its
declared type while ``/openapi.json`` shows ``Model``'s schema for it.
"""

from __future__ import annotations

from typing import Any

from pydantic import GetJsonSchemaHandler, GetPydanticSchema, TypeAdapter
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema


def documented_as(shown: Any) -> GetPydanticSchema:
    """Annotation metadata: validate as the annotated type, document as ``shown`` (a model or
    any type a TypeAdapter takes). Use as ``Annotated[dict[str, Any], documented_as(QuizIn)]``."""
    schema = TypeAdapter(shown).core_schema
    if "ref" in schema:  # a model: shown as a $ref to its own component, not inlined
        reference = core_schema.definition_reference_schema(schema["ref"])
        schema = core_schema.definitions_schema(reference, [schema])

    def json_schema(_core: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return handler(schema)

    return GetPydanticSchema(get_pydantic_json_schema=json_schema)
