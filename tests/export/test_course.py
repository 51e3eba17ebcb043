"""Every quiz of the course exports in every format, and the output reads back."""
import io
import zipfile
from pathlib import Path

import pytest

from kcourse.core.loader import load_many
from kcourse.export import FORMATS, render

from .giftreader import read
from .xmlparse import fromstring

ROOT = Path(__file__).resolve().parents[2]
QUIZZES = sorted(p.stem for p in (ROOT / "quizzes").glob("*.yml"))


@pytest.fixture(scope="module")
def course():
    """The course's quizzes that load without problems (``kcourse validate`` reports the others)."""
    return load_many([ROOT / "quizzes"]).quizzes


def _exported_names(quiz, fmt: str, data: bytes) -> set[str]:
    """The question names/titles found in the export."""
    if fmt == "moodle":
        root = fromstring(data)
        return {q.findtext("name/text") for q in root.findall("question") if q.get("type") != "category"}
    if fmt == "gift":
        return {q.name for q in read(data.decode("utf-8"))}
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        root = fromstring(zf.read(f"kcourse_{quiz.id}/{quiz.id}.xml"))
    return {e.get("title") for e in root.iter() if e.tag.endswith("}item")}


@pytest.mark.skipif(not QUIZZES, reason="no quiz in quizzes/ yet")
@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("quiz_id", QUIZZES)
def test_every_course_quiz_exports(course, quiz_id, fmt):
    if quiz_id not in course:
        pytest.skip(f"quizzes/{quiz_id}.yml has problems; kcourse validate lists them")
    quiz = course[quiz_id]
    warnings = []
    data = render(quiz, fmt, warn=warnings.append)
    names = _exported_names(quiz, fmt, data)
    left_out = {w.message.split("(", 1)[1].split(")", 1)[0] for w in warnings if ": left out:" in w.message}
    assert names == {q.id for q in quiz.all_questions} - left_out
