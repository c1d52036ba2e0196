"""The reference page's content, read from the generated OpenAPI document: so the page can never describe an API
other than the one the code serves. Rendered by templates/api/reference.html, with no script at all."""

import json
import re

METHODS = ("get", "post", "put", "patch", "delete")
# The document tags operations by blueprint name; the page gives them headings.
TAG_TITLES = {"api": "Public catalog", "api_host": "Hosts, with a token"}


LONG_ENUM = 20  # the time zones: the page names the count, the document lists them


def schema_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict) -> dict:
    """{"text": "array of", "ref": "Event"} or {"text": "string (date-time) or null", "ref": None}."""
    if "$ref" in schema:
        return {"text": "", "ref": schema_name(schema["$ref"])}
    if "allOf" in schema and schema["allOf"] and "$ref" in schema["allOf"][0]:
        return {"text": "", "ref": schema_name(schema["allOf"][0]["$ref"])}
    kinds = schema.get("type", "any")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "array" in kinds:
        inner = type_of(schema.get("items", {}))
        rest = " or null" if "null" in kinds else ""
        return {"text": f"array of {inner['text']}".strip() + rest, "ref": inner["ref"]}
    words = []
    for kind in kinds:
        word = kind
        if kind != "null" and schema.get("format"):
            word = f"{kind} ({schema['format']})"
        words.append(word)
    text = " or ".join(words)
    if "enum" in schema and len(schema["enum"]) > LONG_ENUM:
        text += f": one of {len(schema['enum'])} values the document lists"
    elif "enum" in schema:
        text += ": " + ", ".join(str(value) for value in schema["enum"] if value is not None)
    if "pattern" in schema:
        text += f", matching {schema['pattern']}"
    bounds = [
        f"{word} {schema[key]}"
        for key, word in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤"))
        if key in schema
    ]
    if bounds:
        text += " (" + ", ".join(bounds) + ")"
    return {"text": text, "ref": None}


def anchor(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def _responses(operation: dict, spec: dict) -> list[dict]:
    shown = []
    for status, response in operation.get("responses", {}).items():
        if "$ref" in response:
            response = spec["components"]["responses"][schema_name(response["$ref"])]
        for media_type, content in (response.get("content") or {"": {}}).items():
            shown.append(
                {
                    "status": status,
                    "description": response.get("description", ""),
                    "media_type": media_type,
                    "type": type_of(content.get("schema", {})) if content else None,
                    "headers": sorted((response.get("headers") or {}).items()),
                }
            )
    return shown


def _body(operation: dict) -> dict | None:
    body = operation.get("requestBody")
    if not body:
        return None
    media_type, content = next(iter(body["content"].items()))
    return {"media_type": media_type, "type": type_of(content.get("schema", {})), "required": body.get("required")}


def _example(schema: dict, spec: dict, depth: int = 0):
    """A plausible value built from the schema's examples and types, to show a request or response's shape."""
    if depth > 4:
        return None
    if "$ref" in schema:
        return _example(spec["components"]["schemas"][schema_name(schema["$ref"])], spec, depth + 1)
    if "example" in schema:
        return schema["example"]
    kinds = schema.get("type", "object")
    kind = next((k for k in kinds if k != "null"), "null") if isinstance(kinds, list) else kinds
    if kind == "object":
        return {name: _example(prop, spec, depth + 1) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema.get("items", {}), spec, depth + 1)]
    if "enum" in schema:
        return next(value for value in schema["enum"] if value is not None)
    return {"integer": 1, "number": 1, "boolean": True, "null": None}.get(
        kind, "2025-01-30T20:00:00Z" if schema.get("format") == "date-time" else "text"
    )


def context(spec: dict, problem_codes: list[tuple[str, int, str]]) -> dict:
    tags = {
        tag["name"]: {
            "name": tag["name"],
            "title": TAG_TITLES.get(tag["name"], tag["name"]),
            "description": tag.get("description", ""),
            "operations": [],
        }
        for tag in spec.get("tags", [])
    }
    for path, item in spec.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            description = operation.get("description", "")
            tag = operation["tags"][0]
            tags.setdefault(tag, {"name": tag, "title": TAG_TITLES.get(tag, tag), "description": "", "operations": []})
            tags[tag]["operations"].append(
                {
                    "anchor": anchor(method, path),
                    "operation_id": operation.get("operationId", ""),
                    "refusals": list(operation.get("x-refusals", {})),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": description,
                    "token": bool(operation.get("security")),
                    "parameters": [
                        {**parameter, "type": type_of(parameter.get("schema", {}))}
                        for parameter in [*shared, *operation.get("parameters", [])]
                    ],
                    "body": _body(operation),
                    "responses": _responses(operation, spec),
                }
            )
    schemas = []
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        schemas.append(
            {
                "name": name,
                "description": schema.get("description", ""),
                "properties": [
                    {
                        "name": prop_name,
                        "type": type_of(prop),
                        "required": prop_name in required,
                        "description": prop.get("description", ""),
                        "read_only": prop.get("readOnly", False),
                    }
                    for prop_name, prop in schema.get("properties", {}).items()
                ],
                "example": json.dumps(_example(schema, spec), indent=2, ensure_ascii=False),
            }
        )
    webhooks = [
        {
            "type": kind,
            "anchor": anchor("webhook", kind),
            "operation_id": item["post"]["operationId"],
            "summary": item["post"].get("summary", ""),
            "data": [
                {"name": name, "type": type_of(prop)}
                for name, prop in item["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"][
                    "data"
                ]["properties"].items()
            ],
        }
        for kind, item in spec.get("webhooks", {}).items()
    ]
    return {
        "info": spec["info"],
        "webhooks": webhooks,
        "openapi_version": spec["openapi"],
        "tags": [tag for tag in tags.values() if tag["operations"]],
        "schemas": schemas,
        "problem_codes": problem_codes,
    }
