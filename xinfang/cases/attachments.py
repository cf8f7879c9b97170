"""Upload checks and storage for attachments.

A file is accepted only if its extension is allowed AND its first bytes say it
really is that kind of file: a renamed .exe does not get in as a .pdf."""

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .models import Attachment, AttachmentKind, Case, Submission


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as e:
        # A multi-byte character cut at the end of the sample is still text.
        return e.start >= len(head) - 3
    return True


def _is_ooxml(f, folder: str) -> bool:
    try:
        f.seek(0)
        with zipfile.ZipFile(f) as z:
            return any(n.startswith(folder) for n in z.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        f.seek(0)


# extension -> (label, content type, sniff(head, file) -> bool)
ALLOWED = {
    "pdf": ("PDF", "application/pdf", lambda h, f: h.startswith(b"%PDF-")),
    "jpg": ("JPEG 图片", "image/jpeg", lambda h, f: h.startswith(b"\xff\xd8\xff")),
    "jpeg": ("JPEG 图片", "image/jpeg", lambda h, f: h.startswith(b"\xff\xd8\xff")),
    "png": ("PNG 图片", "image/png", lambda h, f: h.startswith(b"\x89PNG\r\n\x1a\n")),
    "tif": ("TIFF 图片", "image/tiff", lambda h, f: h[:4] in (b"II*\x00", b"MM\x00*")),
    "tiff": ("TIFF 图片", "image/tiff", lambda h, f: h[:4] in (b"II*\x00", b"MM\x00*")),
    "doc": ("Word 文档", "application/msword", lambda h, f: h.startswith(b"\xd0\xcf\x11\xe0")),
    "xls": ("Excel 表格", "application/vnd.ms-excel", lambda h, f: h.startswith(b"\xd0\xcf\x11\xe0")),
    "docx": (
        "Word 文档",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        lambda h, f: h.startswith(b"PK\x03\x04") and _is_ooxml(f, "word/"),
    ),
    "xlsx": (
        "Excel 表格",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        lambda h, f: h.startswith(b"PK\x03\x04") and _is_ooxml(f, "xl/"),
    ),
    "txt": ("文本", "text/plain; charset=utf-8", lambda h, f: _is_text(h)),
    "mp3": ("MP3 录音", "audio/mpeg", lambda h, f: h.startswith(b"ID3") or (h[:1] == b"\xff" and h[1] & 0xE0 == 0xE0)),
    "wav": ("WAV 录音", "audio/wav", lambda h, f: h.startswith(b"RIFF") and h[8:12] == b"WAVE"),
    "amr": ("AMR 录音", "audio/amr", lambda h, f: h.startswith(b"#!AMR")),
    "m4a": ("M4A 录音", "audio/mp4", lambda h, f: h[4:8] == b"ftyp"),
    "mp4": ("MP4 视频", "video/mp4", lambda h, f: h[4:8] == b"ftyp"),
}
ALLOWED_EXTENSIONS_TEXT = "、".join(sorted({k.upper() for k in ALLOWED}))


def check_upload(upload) -> tuple[str, str]:
    """Return (extension, content type) or raise ValidationError in Chinese."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in ALLOWED:
        raise ValidationError(f"不支持的文件类型“{name}”。允许的类型：{ALLOWED_EXTENSIONS_TEXT}")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(f"文件“{name}”大小为 {filesizeformat(upload.size)}，超过 {filesizeformat(limit)} 的上限")
    if upload.size == 0:
        raise ValidationError(f"文件“{name}”是空文件")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    label, content_type, sniff = ALLOWED[ext]
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or not sniff(head, upload):
        raise ValidationError(f"文件“{name}”的内容与扩展名不符，不是有效的{label}文件")
    return ext, content_type


def store_attachment(
    upload, *, case: Case, submission: Submission | None, kind: str = AttachmentKind.OTHER, actor=None
) -> Attachment:
    _, content_type = check_upload(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    att = Attachment(
        case=case,
        submission=submission,
        kind=kind,
        original_name=(upload.name or "")[-200:],
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=timezone.now(),
    )
    att.file.save(upload.name, upload, save=False)
    att.save()
    return att
