"""The quiz API's request and response models: /openapi.json describes every quiz, attempt and
blueprint operation, the attempt a student receives has no field that could carry a key, the
response models drop what they do not declare, and the bodies the service checks keep the
service's messages."""

from __future__ import annotations

from typing import Any

import pytest

from kholieu.quiz.service import QuizService
from tests.support.quiz import SECRETS, SMALL, make_quiz, start

PREFIXES = ("/api/v1/quizzes", "/api/v1/attempts", "/api/v1/blueprints")
# The operations that take a body; the others are GETs, or POSTs whose path says it all.
WITH_BODY = {
    ("post", "/api/v1/quizzes"),
    ("post", "/api/v1/quizzes/join"),
    ("put", "/api/v1/attempts/{attempt_id}/answers"),
    ("post", "/api/v1/attempts/{attempt_id}/check"),
    ("post", "/api/v1/attempts/{attempt_id}/grade"),
    ("post", "/api/v1/blueprints/check"),
}


@pytest.fixture
def spec(client) -> dict[str, Any]:
    return client.get("/openapi.json").json()


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def described(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """An object with properties, a union of such, or a file (not ``{}``)."""
    schema = resolve(spec, schema)
    if "oneOf" in schema or "anyOf" in schema:
        return all(described(spec, s) for s in schema.get("oneOf") or schema["anyOf"])
    if schema.get("type") == "array":
        return described(spec, schema["items"])
    if schema.get("type") == "string":
        return schema.get("format") == "binary"
    return schema.get("type") == "object" and bool(schema.get("properties"))


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = [(method, path, op) for path, ops in spec["paths"].items() if path.startswith(PREFIXES)
             for method, op in ops.items()]  # fmt: skip
    assert len(found) == 19  # every route of kholieu.quiz.api, and the teacher's view of an attempt
    return found


def test_every_operation_declares_its_request_body(spec):
    bodies = set()
    for method, path, op in operations(spec):
        if "requestBody" in op:
            bodies.add((method, path))
            schema = op["requestBody"]["content"]["application/json"]["schema"]
            assert described(spec, schema), (method, path, schema)
    assert bodies == WITH_BODY


def test_every_operation_declares_its_response(spec):
    for method, path, op in operations(spec):
        ok = next(code for code in op["responses"] if code.startswith("2"))
        content = op["responses"][ok]["content"]
        for media, body in content.items():
            assert described(spec, body["schema"]), (method, path, media, body)


def fields(spec: dict[str, Any], schema: dict[str, Any], skip: frozenset[str] = frozenset()):
    """Every property name reachable from ``schema`` (through refs, lists, unions, maps),
    leaving out the properties named in ``skip`` and what is under them."""
    seen: set[str] = set()
    stack, visited = [schema], set()
    while stack:
        node = stack.pop()
        if "$ref" in node:
            if node["$ref"] in visited:
                continue
            visited.add(node["$ref"])
            node = resolve(spec, node)
        for name, sub in (node.get("properties") or {}).items():
            if name not in skip:
                seen.add(name)
                stack.append(sub)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                stack.append(node[key])
        stack += node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", [])
    return seen


def test_the_attempt_a_student_receives_has_no_field_for_a_key(spec):
    ref = {"$ref": "#/components/schemas/OpenAttempt"}
    assert fields(spec, ref) >= {"questions", "answers", "deadline"}
    # ``checks``: a practice attempt's feedback already given by "Kiểm tra" (open questions
    # only, never an exam's: test_quiz_attempts checks an exam's payload has none), no key
    assert not fields(spec, ref, skip=frozenset({"checks"})) & set(SECRETS)
    # a check's key is kept only once it settled its question (right, or the last try):
    # tests/quiz/test_practice_checks.py checks that none is there while tries are left
    assert {"key", "final", "tries"} <= fields(spec, {"$ref": "#/components/schemas/CheckShown"})
    # Once submitted, keys can only be in ``items``, which the review policy keeps [] until
    # it allows them (tests/unit/test_quiz_attempts.py checks the policy).
    submitted = {"$ref": "#/components/schemas/SubmittedAttempt"}
    assert not fields(spec, submitted, skip=frozenset({"items"})) & set(SECRETS)
    assert {"key", "explanation"} <= fields(spec, {"$ref": "#/components/schemas/ReviewItem"})
    student_quiz = fields(spec, {"$ref": "#/components/schemas/QuizForStudent"})
    assert not student_quiz & {*SECRETS, "keys", "blueprint", "code", "link"}


def test_a_key_the_service_let_slip_is_not_sent(client, bank, people, monkeypatch):
    """The response model is a guard: a field it does not declare never reaches a student."""
    shown = QuizService.questions

    def leaky(self, session, attempt):
        return [{**q, "key": 0, "explanation": "x"} for q in shown(self, session, attempt)]

    monkeypatch.setattr(QuizService, "questions", leaky)
    quiz = make_quiz(client, people["teacher"])
    started = start(client, quiz, headers=people["student"])
    assert started.status_code == 201
    assert all(set(q) <= {"id", "type", "stem", "options", "statements", "points"}
               for q in started.json()["questions"])  # fmt: skip
    student_view = client.get(f"/api/v1/quizzes/{quiz['id']}", headers=people["student"]).json()
    assert not {"keys", "blueprint", "code", "link"} & set(student_view)


@pytest.mark.parametrize(
    ("data", "message", "details"),
    [
        ({"blueprint": SMALL, "time_limit_s": 5}, "The time allowed must be 1 to 360 minutes.",
         {"field": "time_limit_s",
          "fields": {"time_limit_s": "The time allowed must be 1 to 360 minutes."}}),
        ({"blueprint": {**SMALL, "grade": 13}},
         "blueprint: grade: Input should be less than or equal to 12",
         {"field": "grade", "errors": 1}),
        ({"title": "no blueprint"}, "blueprint: blueprint: Input should be a valid dictionary or "
         "instance of Blueprint", {"field": "blueprint", "errors": 1}),
    ],
)  # fmt: skip
def test_a_documented_body_keeps_the_services_messages(client, people, data, message, details):
    response = client.post("/api/v1/quizzes", headers=people["teacher"], json=data)
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "validation_failed", "message": message,
                                        "details": details}  # fmt: skip
