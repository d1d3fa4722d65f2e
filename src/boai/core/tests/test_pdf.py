from boai.core.pdf import Certificate, render_certificate


def test_certificate_pdf_has_chinese_text_and_a_qr():
    pdf = render_certificate(Certificate(
        title="志愿服务证明", number="WX-2026-000001", holder="张三", lines=[("服务时长", "120 小时")],
        issuer="无锡市红十字会", issued_on="2026年11月28日", verify_url="https://boai.example.org/v/abc"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    assert b"STSong-Light" in pdf
