"""Codes of the 2018 general-education curriculum used in data, URLs and the API (docs/DESIGN.md),
with their Vietnamese display names."""

from __future__ import annotations

SUBJECTS: dict[str, str] = {
    "toan": "Toán",
    "ngu-van": "Ngữ văn",
    "tieng-viet": "Tiếng Việt",
    "ngoai-ngu": "Ngoại ngữ",
    "tieng-anh": "Tiếng Anh",
    "vat-li": "Vật lí",
    "hoa-hoc": "Hóa học",
    "sinh-hoc": "Sinh học",
    "lich-su": "Lịch sử",
    "dia-li": "Địa lí",
    "lich-su-dia-li": "Lịch sử và Địa lí",
    "khoa-hoc-tu-nhien": "Khoa học tự nhiên",
    "khoa-hoc": "Khoa học",
    "tu-nhien-xa-hoi": "Tự nhiên và Xã hội",
    "dao-duc": "Đạo đức",
    "gdcd": "Giáo dục công dân",
    "gdkt-pl": "Giáo dục kinh tế và pháp luật",
    "cong-nghe": "Công nghệ",
    "tin-hoc": "Tin học",
    "tin-hoc-cong-nghe": "Tin học và Công nghệ",
    "am-nhac": "Âm nhạc",
    "mi-thuat": "Mĩ thuật",
    "gd-the-chat": "Giáo dục thể chất",
    "gdqp-an": "Giáo dục quốc phòng và an ninh",
    "hdtn": "Hoạt động trải nghiệm, hướng nghiệp",
}

GRADES = range(1, 13)

SERIES: dict[str, str] = {
    "ket-noi-tri-thuc": "Kết nối tri thức với cuộc sống",
    "chan-troi-sang-tao": "Chân trời sáng tạo",
    "canh-dieu": "Cánh Diều",
}

LEVELS: dict[str, str] = {
    "nhan_biet": "Nhận biết",
    "thong_hieu": "Thông hiểu",
    "van_dung": "Vận dụng",
    "van_dung_cao": "Vận dụng cao",
}

LICENCES: dict[str, str] = {
    "CC-BY-4.0": "CC BY 4.0",
    "CC-BY-SA-4.0": "CC BY-SA 4.0",
    "CC-BY-NC-4.0": "CC BY-NC 4.0",
    "CC-BY-NC-SA-4.0": "CC BY-NC-SA 4.0",
    "CC-BY-ND-4.0": "CC BY-ND 4.0",
    "CC-BY-NC-ND-4.0": "CC BY-NC-ND 4.0",
    "CC0-1.0": "CC0 1.0",
    "all-rights-reserved": "Bảo lưu mọi quyền",
}
