"""The relevance set: a Vietnamese catalogue and judged queries, written by hand.

Each topic is a lesson of the 2018 curriculum with a sentence of what it teaches. It becomes
three documents, as a repository holds them: the lecture, a video and a worksheet. Other topics
share words with it on purpose (phương trình bậc hai / bậc nhất / trùng phương; định luật Ôm /
định luật Newton), so that ranking, not matching, decides the figures.

A query judges the documents of its topic 2 (what the teacher wants) and of its ``near`` topics
1 (useful). Queries come as teachers type them: with diacritics, without (``accent-free``), in
odd case, with a grade ("lớp 11"), with digits for number words, several words long, and
single words whose folded form means other things too (``collision``: sóng, sông, song song).
"""

from __future__ import annotations

from dataclasses import dataclass

# (key, subject, grade, title, what it teaches)
TOPICS = [
    ("pt-bac-hai", "toan", 9, "Phương trình bậc hai một ẩn", "Công thức nghiệm và biệt thức $\\Delta = b^2 - 4ac$ của phương trình $ax^2 + bx + c = 0$."),
    ("pt-bac-nhat", "toan", 8, "Phương trình bậc nhất một ẩn", "Cách giải phương trình dạng $ax + b = 0$ và ứng dụng giải bài toán bằng cách lập phương trình."),
    ("pt-trung-phuong", "toan", 9, "Phương trình trùng phương", "Đặt ẩn phụ $t = x^2$ để đưa phương trình bậc bốn về phương trình bậc hai."),
    ("he-pt", "toan", 9, "Hệ hai phương trình bậc nhất hai ẩn", "Giải hệ phương trình bằng phương pháp thế và phương pháp cộng đại số."),
    ("bdt-cosi", "toan", 10, "Bất đẳng thức Cô-si", "Bất đẳng thức giữa trung bình cộng và trung bình nhân, dấu bằng xảy ra khi nào."),
    ("phan-so", "toan", 6, "Phân số và tính chất cơ bản của phân số", "Rút gọn phân số, quy đồng mẫu số và so sánh hai phân số."),
    ("so-thap-phan", "toan", 6, "Số thập phân", "Đọc, viết và làm tròn số thập phân; phép cộng trừ nhân chia số thập phân."),
    ("can-bac-hai", "toan", 9, "Căn bậc hai và hằng đẳng thức", "Căn bậc hai số học $\\sqrt{a}$ và hằng đẳng thức $\\sqrt{A^2} = |A|$."),
    ("dinh-ly-pytago", "toan", 8, "Định lí Pythagore", "Trong tam giác vuông, bình phương cạnh huyền bằng tổng bình phương hai cạnh góc vuông."),
    ("ham-so-bac-nhat", "toan", 9, "Hàm số bậc nhất và đồ thị", "Hàm số $y = ax + b$, hệ số góc và đồ thị là một đường thẳng."),
    ("dao-ham", "toan", 11, "Đạo hàm và ý nghĩa của đạo hàm", "Định nghĩa đạo hàm, ý nghĩa hình học là hệ số góc tiếp tuyến và ý nghĩa vật lí là vận tốc tức thời."),
    ("tich-phan", "toan", 12, "Tích phân", "Định nghĩa tích phân $\\int_a^b f(x)\\,dx$ và công thức Newton – Leibniz."),
    ("nguyen-ham", "toan", 12, "Nguyên hàm", "Nguyên hàm của các hàm số sơ cấp và phương pháp đổi biến số."),
    ("gioi-han", "toan", 11, "Giới hạn của dãy số", "Dãy số có giới hạn 0, giới hạn hữu hạn và giới hạn vô cực."),
    ("luong-giac", "toan", 11, "Công thức lượng giác", "Công thức cộng, công thức nhân đôi và biến đổi tích thành tổng."),
    ("vecto", "toan", 10, "Vectơ trong mặt phẳng", "Tổng và hiệu của hai vectơ, tích của vectơ với một số, tích vô hướng."),
    ("xac-suat", "toan", 10, "Xác suất của biến cố", "Không gian mẫu, biến cố và định nghĩa cổ điển của xác suất."),
    ("to-hop", "toan", 10, "Hoán vị, chỉnh hợp và tổ hợp", "Quy tắc đếm, số hoán vị, số chỉnh hợp và số tổ hợp."),
    ("duong-tron", "toan", 9, "Đường tròn và góc nội tiếp", "Góc nội tiếp, góc ở tâm và tứ giác nội tiếp đường tròn."),
    ("mu-logarit", "toan", 11, "Hàm số mũ và hàm số lôgarit", "Tính chất lũy thừa, lôgarit và đồ thị hàm số mũ, hàm số lôgarit."),
    ("dinh-luat-om", "vat-li", 11, "Định luật Ôm đối với toàn mạch", "Cường độ dòng điện tỉ lệ thuận với suất điện động và tỉ lệ nghịch với điện trở toàn phần."),
    ("dinh-luat-om-9", "vat-li", 9, "Định luật Ôm cho đoạn mạch", "Cường độ dòng điện chạy qua dây dẫn tỉ lệ thuận với hiệu điện thế giữa hai đầu dây."),
    ("newton-2", "vat-li", 10, "Định luật II Newton", "Gia tốc của vật cùng hướng với lực tác dụng, $F = ma$."),
    ("newton-3", "vat-li", 10, "Định luật III Newton", "Lực và phản lực: hai vật tương tác với nhau bằng những lực trực đối."),
    ("con-lac-don", "vat-li", 11, "Dao động của con lắc đơn", "Chu kì dao động nhỏ của con lắc đơn $T = 2\\pi\\sqrt{l/g}$ không phụ thuộc khối lượng."),
    ("song-co", "vat-li", 11, "Sóng cơ và sự truyền sóng", "Bước sóng, tần số, tốc độ truyền sóng và phương trình sóng."),
    ("khuc-xa", "vat-li", 9, "Hiện tượng khúc xạ ánh sáng", "Tia sáng bị gãy khúc khi truyền qua mặt phân cách hai môi trường trong suốt."),
    ("dong-nang", "vat-li", 10, "Động năng và thế năng", "Động năng $W = \\frac{1}{2}mv^2$, thế năng trọng trường và định luật bảo toàn cơ năng."),
    ("tu-truong", "vat-li", 11, "Từ trường của dòng điện", "Đường sức từ của dòng điện thẳng, dòng điện tròn và ống dây."),
    ("cam-ung-dien-tu", "vat-li", 11, "Hiện tượng cảm ứng điện từ", "Suất điện động cảm ứng xuất hiện khi từ thông qua mạch kín biến thiên."),
    ("nhiet-dong-luc", "vat-li", 12, "Nguyên lí I nhiệt động lực học", "Độ biến thiên nội năng bằng tổng công và nhiệt lượng vật nhận được."),
    ("bang-tuan-hoan", "hoa-hoc", 10, "Bảng tuần hoàn các nguyên tố hóa học", "Cấu tạo bảng tuần hoàn: ô nguyên tố, chu kì và nhóm."),
    ("lien-ket-ion", "hoa-hoc", 10, "Liên kết ion", "Sự hình thành ion và liên kết ion giữa kim loại điển hình và phi kim điển hình."),
    ("phan-ung-oxi-hoa", "hoa-hoc", 10, "Phản ứng oxi hóa – khử", "Chất khử, chất oxi hóa và cách cân bằng phản ứng bằng phương pháp thăng bằng electron."),
    ("axit-bazo", "hoa-hoc", 11, "Axit, bazơ và muối", "Thuyết Bronsted về axit – bazơ, pH của dung dịch."),
    ("este", "hoa-hoc", 12, "Este và lipit", "Cấu tạo, tính chất của este; phản ứng xà phòng hóa chất béo."),
    ("ankan", "hoa-hoc", 11, "Ankan", "Dãy đồng đẳng của metan, phản ứng thế với halogen."),
    ("dien-phan", "hoa-hoc", 12, "Điện phân", "Điện phân nóng chảy và điện phân dung dịch; định luật Faraday."),
    ("mol", "hoa-hoc", 8, "Mol và tính toán hóa học", "Khối lượng mol, thể tích mol chất khí và chuyển đổi giữa khối lượng, thể tích, lượng chất."),
    ("quang-hop", "sinh-hoc", 11, "Quang hợp ở thực vật", "Pha sáng, pha tối và vai trò của diệp lục trong quang hợp."),
    ("ho-hap-te-bao", "sinh-hoc", 10, "Hô hấp tế bào", "Đường phân, chu trình Krebs và chuỗi truyền electron tạo ATP."),
    ("nguyen-phan", "sinh-hoc", 10, "Nguyên phân", "Các kì của nguyên phân và ý nghĩa đối với sinh vật."),
    ("giam-phan", "sinh-hoc", 10, "Giảm phân", "Hai lần phân bào liên tiếp tạo giao tử có bộ nhiễm sắc thể đơn bội."),
    ("di-truyen-menden", "sinh-hoc", 12, "Quy luật di truyền của Menđen", "Quy luật phân li và phân li độc lập; lai một cặp tính trạng."),
    ("adn", "sinh-hoc", 12, "Cấu trúc và chức năng của ADN", "Chuỗi xoắn kép, nguyên tắc bổ sung và nhân đôi ADN."),
    ("he-sinh-thai", "sinh-hoc", 12, "Hệ sinh thái", "Thành phần của hệ sinh thái, chuỗi và lưới thức ăn."),
    ("dong-du", "lich-su", 11, "Phong trào Đông Du", "Phan Bội Châu đưa thanh niên sang Nhật Bản học tập đầu thế kỉ XX."),
    ("cm-thang-tam", "lich-su", 12, "Cách mạng tháng Tám năm 1945", "Tổng khởi nghĩa giành chính quyền và sự ra đời của nước Việt Nam Dân chủ Cộng hòa."),
    ("dien-bien-phu", "lich-su", 12, "Chiến dịch Điện Biên Phủ 1954", "Thắng lợi quyết định kết thúc cuộc kháng chiến chống thực dân Pháp."),
    ("chien-tranh-tg-2", "lich-su", 11, "Chiến tranh thế giới thứ hai", "Nguyên nhân, diễn biến và kết cục của chiến tranh thế giới thứ hai (1939 – 1945)."),
    ("nha-tran", "lich-su", 7, "Nhà Trần và ba lần kháng chiến chống quân Mông – Nguyên", "Hội nghị Diên Hồng, Trần Hưng Đạo và chiến thắng Bạch Đằng năm 1288."),
    ("song-ngoi", "dia-li", 8, "Sông ngòi Việt Nam", "Đặc điểm chung của sông ngòi nước ta: dày đặc, nhiều nước, giàu phù sa."),
    ("song-song", "toan", 7, "Hai đường thẳng song song", "Dấu hiệu nhận biết hai đường thẳng song song và tiên đề Euclid."),
    ("ca-dao", "ngu-van", 7, "Ca dao Việt Nam", "Những câu hát về tình cảm gia đình, quê hương, đất nước."),
    ("danh-ca", "ngu-van", 9, "Đoàn thuyền đánh cá", "Bài thơ của Huy Cận về người lao động trên biển."),
    ("khi-hau-vn", "dia-li", 8, "Khí hậu Việt Nam", "Khí hậu nhiệt đới gió mùa ẩm và sự phân hóa theo mùa, theo vùng."),
    ("dan-so", "dia-li", 9, "Dân số và gia tăng dân số", "Quy mô dân số, tỉ lệ gia tăng tự nhiên và cơ cấu dân số Việt Nam."),
    ("dong-bang-scl", "dia-li", 9, "Vùng Đồng bằng sông Cửu Long", "Vựa lúa lớn nhất cả nước, thế mạnh về thủy sản và cây ăn quả."),
    ("ban-do", "dia-li", 6, "Bản đồ và cách đọc bản đồ", "Tỉ lệ bản đồ, kí hiệu bản đồ và phương hướng trên bản đồ."),
    ("trai-dat", "dia-li", 6, "Chuyển động tự quay của Trái Đất", "Ngày đêm luân phiên và giờ trên Trái Đất."),
    ("truyen-kieu", "ngu-van", 9, "Truyện Kiều của Nguyễn Du", "Tóm tắt tác phẩm, giá trị hiện thực và nhân đạo; đoạn trích Chị em Thúy Kiều."),
    ("vo-chong-a-phu", "ngu-van", 12, "Vợ chồng A Phủ", "Truyện ngắn của Tô Hoài về cuộc sống người dân miền núi Tây Bắc."),
    ("nghi-luan-xa-hoi", "ngu-van", 12, "Viết bài văn nghị luận xã hội", "Cách lập dàn ý và triển khai luận điểm cho bài nghị luận về một vấn đề xã hội."),
    ("tho-luc-bat", "ngu-van", 7, "Thơ lục bát", "Đặc điểm thể thơ lục bát: số tiếng, cách gieo vần và ngắt nhịp."),
    ("tat-den", "ngu-van", 11, "Tắt đèn của Ngô Tất Tố", "Đoạn trích Tức nước vỡ bờ và hình ảnh chị Dậu."),
    ("thi-hien-tai", "tieng-anh", 6, "Present simple tense – thì hiện tại đơn", "Cách dùng thì hiện tại đơn để nói về thói quen và sự thật hiển nhiên."),
    ("cau-bi-dong", "tieng-anh", 9, "Passive voice – câu bị động", "Cấu trúc câu bị động ở các thì và cách chuyển từ câu chủ động."),
    ("thuat-toan", "tin-hoc", 10, "Thuật toán và biểu diễn thuật toán", "Khái niệm thuật toán, sơ đồ khối và mô tả thuật toán bằng ngôn ngữ tự nhiên."),
    ("vong-lap", "tin-hoc", 10, "Câu lệnh lặp trong Python", "Vòng lặp for và while; dùng range để lặp một số lần xác định."),
    ("mang-may-tinh", "tin-hoc", 10, "Mạng máy tính và Internet", "Mạng LAN, mạng WAN và cách Internet kết nối các mạng với nhau."),
    ("phap-luat", "gdkt-pl", 10, "Pháp luật và đời sống", "Khái niệm, đặc điểm và vai trò của pháp luật đối với công dân."),
    ("thi-truong", "gdkt-pl", 10, "Thị trường và cơ chế thị trường", "Các chức năng của thị trường, cung và cầu."),
]  # fmt: skip

# (text typed, topic(s) it wants ("a|b": either grade's lesson), topics that also help, kind)
QUERIES = [
    ("phương trình bậc hai", "pt-bac-hai", ["pt-trung-phuong"], "accented"),
    ("phuong trinh bac hai", "pt-bac-hai", ["pt-trung-phuong"], "accent-free"),
    ("Phương trình bậc 2", "pt-bac-hai", ["pt-trung-phuong"], "digits"),
    ("PHUONG TRINH BAC NHAT", "pt-bac-nhat", ["he-pt"], "mixed-case"),
    ("phương trình trùng phương", "pt-trung-phuong", ["pt-bac-hai"], "accented"),
    ("he phuong trinh hai an", "he-pt", ["pt-bac-nhat"], "accent-free"),
    ("bất đẳng thức cosi", "bdt-cosi", [], "mixed"),
    ("phan so", "phan-so", [], "accent-free"),
    ("Phân Số", "phan-so", [], "mixed-case"),
    ("so thap phan", "so-thap-phan", [], "accent-free"),
    ("căn bậc hai", "can-bac-hai", [], "accented"),
    ("can bac 2", "can-bac-hai", [], "digits"),
    ("định lí pythagore", "dinh-ly-pytago", [], "accented"),
    ("ham so bac nhat do thi", "ham-so-bac-nhat", [], "accent-free"),
    ("đạo hàm lớp 11", "dao-ham", [], "grade"),
    ("dao ham", "dao-ham", [], "accent-free"),
    ("tích phân", "tich-phan", ["nguyen-ham"], "accented"),
    ("tich phan newton leibniz", "tich-phan", [], "accent-free"),
    ("nguyên hàm đổi biến", "nguyen-ham", ["tich-phan"], "accented"),
    ("gioi han day so", "gioi-han", [], "accent-free"),
    ("công thức lượng giác", "luong-giac", [], "accented"),
    ("vecto trong mat phang", "vecto", [], "accent-free"),
    ("xác suất", "xac-suat", ["to-hop"], "accented"),
    ("to hop chinh hop", "to-hop", ["xac-suat"], "accent-free"),
    ("góc nội tiếp đường tròn", "duong-tron", [], "accented"),
    ("ham so mu logarit", "mu-logarit", [], "accent-free"),
    ("định luật ôm lớp 11", "dinh-luat-om", ["dinh-luat-om-9"], "grade"),
    ("dinh luat om lop 9", "dinh-luat-om-9", ["dinh-luat-om"], "grade"),
    ("Định Luật Ôm", "dinh-luat-om|dinh-luat-om-9", [], "mixed-case"),
    ("định luật 2 newton", "newton-2", ["newton-3"], "digits"),
    ("dinh luat III newton luc va phan luc", "newton-3", ["newton-2"], "accent-free"),
    ("con lắc đơn", "con-lac-don", [], "accented"),
    ("chu ki con lac don", "con-lac-don", [], "accent-free"),
    ("sóng cơ bước sóng", "song-co", [], "accented"),
    ("khuc xa anh sang", "khuc-xa", [], "accent-free"),
    ("động năng thế năng", "dong-nang", [], "accented"),
    ("tu truong dong dien", "tu-truong", ["cam-ung-dien-tu"], "accent-free"),
    ("cảm ứng điện từ", "cam-ung-dien-tu", ["tu-truong"], "accented"),
    ("nguyen li 1 nhiet dong luc hoc", "nhiet-dong-luc", [], "digits"),
    ("bảng tuần hoàn", "bang-tuan-hoan", [], "accented"),
    ("lien ket ion", "lien-ket-ion", [], "accent-free"),
    ("cân bằng phản ứng oxi hóa khử", "phan-ung-oxi-hoa", [], "accented"),
    ("axit bazo muoi", "axit-bazo", [], "accent-free"),
    ("ESTE LIPIT", "este", [], "mixed-case"),
    ("ankan metan", "ankan", [], "accent-free"),
    ("điện phân dung dịch", "dien-phan", [], "accented"),
    ("tinh so mol", "mol", [], "accent-free"),
    ("quang hợp", "quang-hop", [], "accented"),
    ("ho hap te bao", "ho-hap-te-bao", [], "accent-free"),
    ("nguyên phân", "nguyen-phan", ["giam-phan"], "accented"),
    ("giam phan", "giam-phan", ["nguyen-phan"], "accent-free"),
    ("quy luật di truyền menđen", "di-truyen-menden", [], "accented"),
    ("cau truc adn", "adn", [], "accent-free"),
    ("chuỗi thức ăn hệ sinh thái", "he-sinh-thai", [], "accented"),
    ("phong trao dong du phan boi chau", "dong-du", [], "accent-free"),
    ("cách mạng tháng tám 1945", "cm-thang-tam", [], "accented"),
    ("dien bien phu", "dien-bien-phu", [], "accent-free"),
    ("chiến tranh thế giới thứ 2", "chien-tranh-tg-2", [], "digits"),
    ("nha tran khang chien mong nguyen", "nha-tran", [], "accent-free"),
    ("khí hậu việt nam", "khi-hau-vn", [], "accented"),
    ("sóng", "song-co", [], "collision"),
    ("sông", "song-ngoi", [], "collision"),
    ("song song", "song-song", [], "collision"),
    ("cá", "danh-ca", [], "collision"),
    ("ca dao", "ca-dao", [], "collision"),
    ("dan so viet nam", "dan-so", [], "accent-free"),
    ("đồng bằng sông cửu long", "dong-bang-scl", [], "accented"),
    ("cach doc ban do", "ban-do", [], "accent-free"),
    ("truyện kiều nguyễn du", "truyen-kieu", [], "accented"),
    ("vo chong a phu", "vo-chong-a-phu", [], "accent-free"),
    ("nghị luận xã hội", "nghi-luan-xa-hoi", [], "accented"),
    ("tho luc bat", "tho-luc-bat", [], "accent-free"),
    ("thì hiện tại đơn", "thi-hien-tai", [], "accented"),
    ("passive voice cau bi dong", "cau-bi-dong", [], "accent-free"),
    ("thuật toán", "thuat-toan", [], "accented"),
    ("vong lap for python", "vong-lap", [], "accent-free"),
    ("pháp luật và đời sống", "phap-luat", [], "accented"),
]  # fmt: skip

KINDS = [("lecture", "", "Bài giảng"), ("video", "Video: ", "Video bài giảng"),
         ("document", "Phiếu bài tập: ", "Phiếu bài tập")]  # fmt: skip


@dataclass(frozen=True)
class Query:
    text: str
    judged: dict[str, int]  # document id -> gain (2 wanted, 1 useful)
    kind: str


def documents() -> list[dict]:
    """Three documents per topic, ids ``<topic>/<kind>``."""
    docs = []
    for key, subject, grade, title, summary in TOPICS:
        for kind, prefix, label in KINDS:
            docs.append({
                "id": f"{key}/{kind}", "kind": kind, "title": prefix + title,
                "summary": summary, "subject": subject, "grade": grade, "status": "published",
                "body": f"{label} môn {subject}, lớp {grade}. {title}. {summary}",
                "updated_at": "2026-01-01T00:00:00+00:00",
            })  # fmt: skip
    return docs


def queries() -> list[Query]:
    out = []
    for text, wanted, near, kind in QUERIES:
        judged = {f"{w}/{k}": 2 for w in wanted.split("|") for k, _, _ in KINDS}
        judged |= {f"{n}/{k}": 1 for n in near for k, _, _ in KINDS}
        out.append(Query(text, judged, kind))
    return out
