"""HTML → PDF with WeasyPrint, safely and reproducibly (PDF 生成).

* Fonts come through fontconfig; ``check_cjk_font`` fails early and clearly when no
  Chinese font is installed (the reports would otherwise be boxes of tofu), and
  ``check_harfbuzz_subset`` warns when WeasyPrint would fall back to the much slower
  fontTools subsetting of the large CJK fonts.
* ``TemplateFetcher`` is the only way WeasyPrint reaches a resource: it serves files
  under ``report_templates/`` and refuses everything else (other files, http(s),
  data: URLs), so nothing outside the templates can end up in a PDF.
* Bytes are reproducible: the document dates come from ``<meta name=dcterms.created>``
  in the HTML (the week end), the file identifier is derived from the week and the file
  name, no attachment is ever written, and the caller pins ``SOURCE_DATE_EPOCH``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import logging
import mimetypes
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from pipeline.core.outputs import atomic_write

log = logging.getLogger(__name__)

TEMPLATES = Path(__file__).resolve().parents[2] / "report_templates"
PREFERRED_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC")
# PDF/A-3u: archival, every font embedded, Unicode text; bytes checked stable (see tests).
PDF_VARIANT = "pdf/a-3u"
PDF_VARIANT_LABEL = {"pdf/a-3u": "PDF/A-3u", None: "PDF 1.7（非 PDF/A）"}


class MissingCJKFont(RuntimeError):
    """fontconfig knows no font that covers Simplified Chinese."""


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for a resource outside report_templates/ (stops the rendering)."""


# --- fonts -----------------------------------------------------------------------------

class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int),
                ("fonts", ctypes.POINTER(ctypes.c_void_p))]


def cjk_font_families() -> list[str]:
    """Families fontconfig lists for ``:lang=zh-cn`` (honours FONTCONFIG_FILE)."""
    name = ctypes.util.find_library("fontconfig")
    if not name:
        raise MissingCJKFont("找不到 fontconfig 库（libfontconfig1），WeasyPrint 无法选择字体。 / "
                             "libfontconfig not found: install libfontconfig1 and fonts-noto-cjk.")
    fc = ctypes.CDLL(name)
    fc.FcInitLoadConfigAndFonts.restype = ctypes.c_void_p
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcNameParse.argtypes = [ctypes.c_char_p]
    fc.FcObjectSetBuild.restype = ctypes.c_void_p
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    fc.FcPatternGetString.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                      ctypes.POINTER(ctypes.c_char_p)]
    for fn in ("FcFontSetDestroy", "FcObjectSetDestroy", "FcPatternDestroy", "FcConfigDestroy"):
        getattr(fc, fn).argtypes = [ctypes.c_void_p]
    config = fc.FcInitLoadConfigAndFonts()
    pattern = fc.FcNameParse(b":lang=zh-cn")
    objects = fc.FcObjectSetBuild(b"family", None)
    fonts = fc.FcFontList(config, pattern, objects)
    families = set()
    try:
        if fonts:
            for i in range(fonts.contents.nfont):
                value = ctypes.c_char_p()
                j = 0
                while fc.FcPatternGetString(fonts.contents.fonts[i], b"family", j,
                                            ctypes.byref(value)) == 0:
                    families.add(value.value.decode("utf-8", "replace"))
                    j += 1
    finally:
        if fonts:
            fc.FcFontSetDestroy(ctypes.cast(fonts, ctypes.c_void_p))
        fc.FcObjectSetDestroy(objects)
        fc.FcPatternDestroy(pattern)
        if config:
            fc.FcConfigDestroy(config)
    return sorted(families)


def check_cjk_font() -> list[str]:
    """Raise ``MissingCJKFont`` when fontconfig has no Chinese font; returns the families."""
    families = cjk_font_families()
    if not families:
        raise MissingCJKFont(
            "未找到中文字体：fontconfig 中没有支持简体中文的字体，周报会显示为方框。"
            "请安装 Debian 软件包 fonts-noto-cjk（sudo apt-get install fonts-noto-cjk）。 / "
            "No CJK font found by fontconfig (:lang=zh-cn); the reports would show tofu boxes. "
            "Install the Debian package fonts-noto-cjk (apt-get install fonts-noto-cjk)."
            + (f" FONTCONFIG_FILE={os.environ['FONTCONFIG_FILE']}" if "FONTCONFIG_FILE" in os.environ
               else ""))
    missing = [f for f in PREFERRED_FAMILIES if f not in families]
    if missing:
        log.warning("未安装 %s，将改用其他中文字体（%s）；建议安装 fonts-noto-cjk。 / "
                    "Preferred fonts missing (%s); falling back to %s.", "、".join(missing),
                    "、".join(families[:3]), ", ".join(missing), ", ".join(families[:3]))
    return families


def check_harfbuzz_subset() -> bool:
    """Warn loudly when libharfbuzz-subset.so.0 is missing (slow fontTools subsetting)."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    log.warning("!!! 未找到 libharfbuzz-subset.so.0：WeasyPrint 将用 fontTools 对中文字体做子集化，"
                "周报生成会慢很多倍。请安装 libharfbuzz-subset0（apt-get install libharfbuzz-subset0）。 / "
                "libharfbuzz-subset.so.0 cannot be loaded: WeasyPrint falls back to fontTools to "
                "subset the CJK fonts, which is many times slower. Install libharfbuzz-subset0.")
    return False


# --- resources -------------------------------------------------------------------------

class TemplateFetcher(URLFetcher):
    """Serves files under ``root`` (report_templates/) and nothing else."""

    def __init__(self, root: Path = TEMPLATES):
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        self.root = root.resolve()

    def resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
            raise ForbiddenResource(f"拒绝读取模板目录以外的资源 / refused resource: {url[:200]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ForbiddenResource(f"拒绝读取模板目录以外的资源 / refused resource: {url[:200]}")
        return path

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        headers = {"Content-Type": f"{mime}; charset=utf-8" if mime.startswith("text/") else mime}
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers)


# --- writing ---------------------------------------------------------------------------

def pdf_identifier(week: str, name: str) -> bytes:
    """The PDF's /ID: derived from the week and the file name, so reruns keep it."""
    return hashlib.sha256(f"bangfu|{week}|{name}".encode()).hexdigest()[:32].encode()


def render_pdf(html: str, target: Path, week: str, name: str,
               font_config: FontConfiguration | None = None,
               variant: str | None = PDF_VARIANT) -> int:
    """Lay out ``html`` (base URL report_templates/) and write ``target``; returns pages."""
    document = HTML(string=html, base_url=TEMPLATES.as_uri() + "/",
                    url_fetcher=TemplateFetcher()).render(font_config=font_config)
    document.metadata.attachments = []          # never embed a file, whatever the HTML says
    data = document.write_pdf(pdf_variant=variant, pdf_identifier=pdf_identifier(week, name),
                              attachments=[], uncompressed_pdf=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, data)
    return len(document.pages)
