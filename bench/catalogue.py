"""A generated full-size catalogue for the search bench: 10,000 content items of realistic
Vietnamese text (lessons of the relevance set's topics in every kind, series and grade, with
bodies as long as extracted worksheets) and 35,000 questions (kholieu/demo/questions.py)."""

from __future__ import annotations

import random
from collections.abc import Iterator

from bench.relevance_set import TOPICS
from kholieu.curriculum import SERIES

KINDS = ("lecture", "video", "lab", "document")
TITLES = ("{t}", "Bài {n}. {t}", "Ôn tập: {t}", "Luyện tập {t}", "Chuyên đề {t}",
          "{t} (tiết {n})", "Video bài giảng: {t}", "Phiếu học tập: {t}")  # fmt: skip
SENTENCES = (
    "Học sinh thảo luận nhóm và trình bày kết quả trước lớp.",
    "Giáo viên hướng dẫn học sinh quan sát hình vẽ và rút ra nhận xét.",
    "Bài tập vận dụng giúp củng cố kiến thức vừa học.",
    "Em hãy đọc kĩ đề bài, tóm tắt dữ kiện rồi lập kế hoạch giải.",
    "Phần mở rộng giới thiệu ứng dụng của kiến thức trong đời sống hằng ngày.",
    "Cuối bài có câu hỏi trắc nghiệm để học sinh tự đánh giá.",
    "Ví dụ minh họa được trình bày từng bước, có lời giải chi tiết.",
    "Hoạt động khởi động đặt vấn đề bằng một tình huống thực tế.",
    "Học sinh làm việc cá nhân, sau đó trao đổi theo cặp.",
    "Tổng kết bài học bằng sơ đồ tư duy.",
)  # fmt: skip


def content_items(count: int = 10_000, seed: int = 7) -> Iterator[dict]:
    """Content items in the shape of the content index's loader documents."""
    rng = random.Random(seed)
    series = list(SERIES)
    for n in range(1, count + 1):
        _key, subject, grade, title, summary = rng.choice(TOPICS)
        grade = max(1, min(12, grade + rng.choice((-1, 0, 0, 0, 1))))
        body = " ".join([summary, *rng.choices(SENTENCES, k=rng.randint(8, 30))])
        yield {
            "id": n, "kind": rng.choice(KINDS),
            "title": rng.choice(TITLES).format(t=title, n=rng.randint(1, 40)),
            "summary": summary, "body": body, "subject": subject, "grade": grade,
            "series": rng.choice(series), "chapter": f"Chương {rng.randint(1, 8)}",
            "tags": [subject, f"lop-{grade}"], "license": "CC-BY-4.0",
            "status": "published" if rng.random() < 0.9 else "draft",
            "updated_at": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T08:00:00+00:00",
            "popularity": int(rng.paretovariate(1.2) * 10),
        }  # fmt: skip


def question_docs(count: int = 35_000, seed: int = 11) -> Iterator[dict]:
    """Questions in the shape of the questions index's loader documents."""
    from kholieu.demo.questions import questions

    rng = random.Random(seed)
    for n, question in enumerate(questions(count, seed), start=1):
        yield {
            "id": n, "kind": question["type"], "title": "", "stem": question["stem"],
            "options": question.get("options", []), "statements": question.get("statements", []),
            "explanation": question.get("explanation", ""), "subject": question.get("subject"),
            "grade": question.get("grade"), "topic": question.get("topic"),
            "level": question.get("level"), "tags": question.get("tags", []),
            "status": "ready", "owner": None,
            "updated_at": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T08:00:00+00:00",
            "popularity": rng.randint(0, 30),
        }  # fmt: skip
