"""The classes API: teachers make classes and manage their members; students join with the
class's code. Every rule is in ``ClassService``; the response models decide what is sent (a
student's view has no join code)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from kholieu.accounts.deps import AnyoneDep, SignedInDep, TeacherDep
from kholieu.classes import schemas
from kholieu.classes.deps import ClassesDep
from kholieu.web.deps import SessionDep

router = APIRouter(prefix="/api/v1/classes", tags=["classes"])
ClassView = schemas.ClassForTeacher | schemas.ClassForStudent


def _view(classes, session, user, made) -> ClassView:
    out = classes.view(session, user, made)
    if out["role"] == "teacher":
        return schemas.ClassForTeacher.model_validate(out)
    return schemas.ClassForStudent.model_validate(out)


@router.post("", status_code=201, response_model=schemas.ClassForTeacher)
def create_class(
    body: schemas.ClassIn, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> ClassView:
    """A new class with its join code; its maker is its teacher."""
    return _view(classes, session, user, classes.create(session, user, body))


@router.get("", response_model=list[ClassView])
def my_classes(
    user: SignedInDep, classes: ClassesDep, session: SessionDep, archived: bool = False
) -> list[ClassView]:
    """The classes I teach or am in (``archived=true``: past school years)."""
    return [
        _view(classes, session, user, c) for c in classes.mine(session, user, archived=archived)
    ]


@router.post("/join", response_model=ClassView)
def join_class(
    body: schemas.JoinIn, user: SignedInDep, classes: ClassesDep, session: SessionDep
) -> ClassView:
    """A student joins with the code; 404 for a wrong one, 409 for an archived class."""
    return _view(classes, session, user, classes.join(session, user, body.code))


@router.post("/signup", status_code=201, response_model=schemas.SignupView)
def sign_up(
    body: schemas.SignupIn, code: Annotated[str, Query(min_length=1, max_length=20)],
    user: AnyoneDep, classes: ClassesDep, session: SessionDep,
) -> dict[str, Any]:  # fmt: skip
    """A new student makes their own account with the class's code (``?code=``), when the
    class's teacher allows it (403 otherwise), and is in the class at once; they then sign in
    (``POST /api/v1/auth/token``)."""
    student, made = classes.sign_up(session, code, body)
    return {"user_id": student.id, "username": student.username, "class_id": made.id}


@router.post("/{class_id}/signup", response_model=schemas.ClassForTeacher)
def switch_signup(
    class_id: int, body: schemas.SignupSwitch, user: TeacherDep, classes: ClassesDep,
    session: SessionDep,
) -> ClassView:  # fmt: skip
    """Let new students sign up with the code (``open: true``) or stop it."""
    return _view(classes, session, user, classes.allow_signup(session, user, class_id, body.open))


@router.get("/{class_id}", response_model=ClassView)
def get_class(
    class_id: int, user: SignedInDep, classes: ClassesDep, session: SessionDep
) -> ClassView:
    """The class, for its members; 404 to anyone else."""
    return _view(classes, session, user, classes.reachable(session, user, class_id))


@router.get("/{class_id}/members", response_model=list[schemas.Member])
def class_members(
    class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> list[dict[str, Any]]:
    """Teachers (the class's own first), then students by name: for the class's teachers."""
    return classes.members(session, user, class_id)


@router.post("/{class_id}/teachers", status_code=201, response_model=schemas.Member)
def add_teacher(
    class_id: int, body: schemas.TeacherIn, user: TeacherDep, classes: ClassesDep,
    session: SessionDep,
) -> dict[str, Any]:  # fmt: skip
    """Add a co-teacher by username."""
    member = classes.add_teacher(session, user, class_id, body.username)
    return next(
        m for m in classes.members(session, user, class_id) if m["user_id"] == member.user_id
    )


@router.delete("/{class_id}/members/{user_id}", status_code=204)
def remove_member(
    class_id: int, user_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> Response:
    """A student or co-teacher leaves the class; never its own teacher (409)."""
    classes.remove(session, user, class_id, user_id)
    return Response(status_code=204)


@router.post("/{class_id}/code", response_model=schemas.ClassForTeacher)
def new_code(
    class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> ClassView:
    """A new join code; the old one stops working."""
    return _view(classes, session, user, classes.new_code(session, user, class_id))


@router.post("/{class_id}/archive", response_model=schemas.ClassForTeacher)
def archive_class(
    class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> ClassView:
    """End of the school year: the class takes no one and changes nothing until restored."""
    return _view(classes, session, user, classes.archive(session, user, class_id))


@router.post("/{class_id}/restore", response_model=schemas.ClassForTeacher)
def restore_class(
    class_id: int, user: TeacherDep, classes: ClassesDep, session: SessionDep
) -> ClassView:
    return _view(classes, session, user, classes.restore(session, user, class_id))
