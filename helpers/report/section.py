"""Handout sections: each turns the results dict into HTML fragments and figures.

The report notebook calls one function per section, in order (summary, scorecard, voice,
journey, funnel, plan, progress, methodology). Every function takes the results dict only and
returns a :class:`Section`; when its data is absent the section is one line saying what to
collect. HTML comes from Jinja2 templates in ``templates/report/`` with autoescaping on, so
client-typed text can never inject markup into a handout.
"""

from __future__ import annotations
import base64
import contextlib
import io
from html import escape as html_escape
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator, Union
import jinja2
import matplotlib
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import FigureCanvasSVG, RendererSVG
from helpers import TEMPLATES
from helpers.charts.metrics import MeasuredText
from helpers.charts.style import collector_paused
from helpers.formatting import long_date
from helpers.formatting import days_adjective, format_number, format_percent, format_signed
from helpers.vocabulary import SCALE_WORDS
from helpers.results import Results


REPORT_TEMPLATES = TEMPLATES / "report"


Part = Union[str, Any]  # an HTML string or a matplotlib Figure


def template_cache() -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates between runs, or None where it cannot be used safely.

    Jinja's own per-user folder in the temporary directory (created private, refused when
    another user owns it). A cached template is used only while its source is unchanged (Jinja
    checks the source's checksum), so an edited template is compiled again. Saves compiling the
    section and handout templates at the start of every ``workbook render``.
    """
    try:
        return jinja2.FileSystemBytecodeCache()
    except (OSError, RuntimeError):
        return None


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(REPORT_TEMPLATES)),
        bytecode_cache=template_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    env.filters["pct"] = format_percent
    env.filters["signed"] = format_signed
    env.filters["longdate"] = long_date
    env.filters["days_adjective"] = days_adjective
    env.globals["scale_words"] = SCALE_WORDS  # "on a scale of 20 to 100"
    return env


def render_template(name: str, **context: Any) -> str:
    """Render ``templates/report/<name>`` with autoescaping; returns an HTML string."""
    return _environment().get_template(name).render(**context)


def figure_png(fig: Any, dpi: int = 130) -> bytes:
    """PNG bytes of a matplotlib figure (the notebooks' live previews; handouts use SVG)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


def figure_svg(fig: Any) -> str:
    """The SVG text of a matplotlib figure, drawn in one pass with no layout engine.

    The charts place their axes themselves (:mod:`helpers.charts.layout`), so drawing is the only
    pass. Text stays text (small, sharp, selectable): the reader's browser sets it, so matplotlib
    only needs each text's size to place it, and takes it from the font's advances
    (:class:`helpers.charts.metrics.MeasuredText`) instead of a FreeType layout of every string.
    A figure with a layout engine (one built elsewhere) is laid out by it with this renderer.
    Client text is XML-escaped by matplotlib and drawn literally (no mathtext, see
    :mod:`helpers.charts.style`).
    """
    buf = io.StringIO()
    # Drawn in DejaVu Sans (fonts-dejavu-core, the font the sizes are read from) or the reader's
    # sans-serif; ids come from a fixed salt and no date is written, so the same chart always gives
    # the same bytes.
    with collector_paused(), _svg_settings():
        canvas = _OnePassCanvas(fig)
        fig.set_dpi(72)  # the SVG backend's unit: 1 px = 1 pt
        width, height = fig.get_size_inches()
        canvas.renderer = MixedModeRenderer(fig, width, height, 72, _MeasuredSVGRenderer(
            width * 72, height * 72, buf, image_dpi=72, metadata={"Date": None}))
        fig.draw(canvas.renderer)
        canvas.renderer.finalize()
    return buf.getvalue()


@contextlib.contextmanager
def _svg_settings() -> Iterator[None]:
    """Text as text and ids from a fixed salt while a figure is drawn, then the previous values back.

    Only these two settings are saved and restored (``matplotlib.rc_context`` copies and
    validates every setting, twice per chart).
    """
    params = matplotlib.rcParams
    fonttype, salt = params["svg.fonttype"], params["svg.hashsalt"]
    try:
        params["svg.fonttype"], params["svg.hashsalt"] = "none", "common-ground"
        yield
    finally:
        params["svg.fonttype"], params["svg.hashsalt"] = fonttype, salt


class _MeasuredSVGRenderer(MeasuredText, RendererSVG):
    """The SVG renderer, measuring text from the font's advances (the browser sets the text)."""


class _OnePassCanvas(FigureCanvasSVG):
    """An SVG canvas whose layout engine, if any, measures text with the renderer that draws it."""

    renderer: Any = None

    def get_renderer(self) -> Any:
        return self.renderer


def svg_data_uri(svg: str) -> str:
    """An SVG document as a ``data:`` URI for an ``<img>`` (scripts in an image never run)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def missing_message(results: Results, section: str, default: str) -> str:
    """The one line saying what to collect for ``section`` (from ``results["missing"]``), else ``default``."""
    return next((item["message"] for item in results["missing"] if item["section"] == section and item["message"]),
                default)


def figure_alt(fig: Any, fallback: str) -> str:
    """Alternative text for a chart: its description (label), its titles, else ``fallback``."""
    texts = [fig.get_label().strip()] if fig.get_label().strip() else []
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        texts.append(suptitle.get_text().strip())
    texts += [ax.get_title().strip() for ax in fig.axes if ax.get_title().strip()]
    return " – ".join(dict.fromkeys(" ".join(t.split()) for t in texts)) or fallback


@dataclass
class Section:
    """One handout section: an ``<h2>`` title, an anchor for the table of contents, and parts.

    Parameters
    ----------
    title : str
        Heading shown in the handout and its table of contents.
    anchor : str
        Id of the heading (``#scorecard``); stable, lowercase, no spaces.
    parts : list
        HTML strings (already escaped, from :func:`render_template`) and matplotlib Figures,
        displayed in order.
    present : bool
        False when the section only says which data is missing.
    """

    title: str
    anchor: str
    parts: list[Part] = field(default_factory=list)
    present: bool = True

    @classmethod
    def missing(cls, title: str, anchor: str, message: str) -> "Section":
        """A section whose data is absent: the heading and one line saying what to collect."""
        html = render_template("_missing.html.j2", message=message)
        return cls(title, anchor, [html], present=False)

    def heading_html(self) -> str:
        """The section's ``<h2>`` with its anchor id."""
        return render_template("_heading.html.j2", title=self.title, anchor=self.anchor)

    def html(self) -> str:
        """The whole section as one HTML string (figures inlined as SVG images)."""
        out = [self.heading_html()]
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            else:
                alt = html_escape(figure_alt(part, f"Chart: {self.title}"), quote=True)
                out.append(f'<img class="chart" alt="{alt}" src="{svg_data_uri(figure_svg(part))}"/>')
        return "\n".join(out)

    def _ipython_display_(self) -> None:
        """Display the heading, HTML parts and charts (``image/svg+xml`` with its alt text)."""
        from IPython.display import HTML, display

        display(HTML(self.heading_html()))
        for part in self.parts:
            if isinstance(part, str):
                display(HTML(part))
            else:
                alt = figure_alt(part, f"Chart: {self.title}")
                display({"image/svg+xml": figure_svg(part), "text/plain": alt}, raw=True,
                        metadata={"image/svg+xml": {"alt": alt}})


