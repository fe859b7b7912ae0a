#!/usr/bin/env bash
# Preview the weekly reports as PNG pages (for `make preview`): render the demo week,
# then turn every page of every PDF of OUT/WEEK into preview/…-N.png and list them.
#
#   scripts/preview.sh                 # renders 2023-W32 from raw/ into out/, then previews
#   REUSE=1 scripts/preview.sh         # uses the PDFs already in out/2023-W32
#   WEEK=2023-W20 DPI=80 scripts/preview.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never PATH="$HOME/.local/bin:$PATH"

WEEK="${WEEK:-2023-W32}"
RAW="${RAW:-raw}"
OUT="${OUT:-out}"
PREVIEW="${PREVIEW:-preview}"
DPI="${DPI:-60}"
WAREHOUSE="${WAREHOUSE:-${BANGFU_WAREHOUSE:-data/warehouse.duckdb}}"

if command -v uv >/dev/null 2>&1; then
  RUN=(uv run)
else
  RUN=(env PATH="$PWD/.venv/bin:$PATH")
fi

have_pdfs() { [ -n "$(find "$OUT/$WEEK" -name '*.pdf' -print -quit 2>/dev/null)" ]; }

if [ -z "${REUSE:-}" ] || ! have_pdfs; then
  "${RUN[@]}" bangfu run --raw "$RAW" --out "$OUT" --week "$WEEK" --warehouse "$WAREHOUSE"
fi

if ! have_pdfs; then
  # The pipeline does not write the PDFs yet: render them from the warehouse directly.
  echo "preview: $OUT/$WEEK 中没有 PDF，直接从数据仓库 $WAREHOUSE 渲染" >&2
  "${RUN[@]}" python - "$WAREHOUSE" "$OUT" "$WEEK" <<'PY'
import sys
from pathlib import Path

import duckdb

from assets.report.data import query_report_data
from assets.report.render import render_all
from pipeline.weeks import parse_week

warehouse, out, week = sys.argv[1:4]
con = duckdb.connect(warehouse, read_only=True)
try:
    data = query_report_data(con, parse_week(week))
finally:
    con.close()
for name, pages in render_all(data, Path(out) / week).items():
    print(f"  {name}: {pages} 页" if pages else f"  {name}", file=sys.stderr)
PY
fi

command -v pdftoppm >/dev/null 2>&1 || { echo "preview: 需要 pdftoppm（apt-get install poppler-utils）" >&2; exit 1; }
rm -rf "$PREVIEW"
mkdir -p "$PREVIEW"
while IFS= read -r -d '' pdf; do
  rel="${pdf#"$OUT/$WEEK/"}"
  stem="$PREVIEW/${rel%.pdf}"
  mkdir -p "$(dirname "$stem")"
  pdftoppm -png -r "$DPI" "$pdf" "$stem"
done < <(find "$OUT/$WEEK" -name '*.pdf' -print0 | sort -z)
find "$PREVIEW" -name '*.png' | sort
