#!/usr/bin/env bash
# The study report in a real browser (issue 13): headless Chromium opens the Belo Horizonte fixture report
# (English and Chinese) with every host unresolvable (a fetch of anything outside the file would fail and
# log), and the test checks that
#   - no console message is logged (errors, failed loads, CSP complaints),
#   - the key sections are in the rendered DOM,
#   - at 375 px wide nothing is wider than the screen (no horizontal scrolling),
#   - it prints to a PDF, and screenshots at 375 × 800 and 1280 × 900 are saved.
# Usage: study_report_browser_test.sh RENDERER FIXTURE_DIR OUT_DIR          (the fixture report)
#        study_report_browser_test.sh --study EQUALIS STUDY.toml OUT_DIR SECTION…  (a study run as a user
#        runs it: `equalis run STUDY --lang en|zh`, then the same checks on its report.html)
# Chromium: `scripts/setup.sh --test-tools` installs it. Missing, the test fails (never a silent skip);
# configure with -DEQUALIS_BROWSER_TESTS=OFF to leave it out on purpose.
set -euo pipefail
mode=fixture
if [ "$1" = "--study" ]; then
  mode=study
  shift
fi
renderer=$1  # the fixture renderer, or the equalis binary with --study
fixtures=$2  # the fixture folder, or the study file with --study
out=$3
shift 3
mkdir -p "$out"

browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser=$(command -v "$candidate"); break; fi
done
if [ -z "$browser" ]; then
  echo "FAIL: no Chromium found. Install it with 'scripts/setup.sh --test-tools' (Debian package chromium)," \
       "or configure with -DEQUALIS_BROWSER_TESTS=OFF to leave this test out on purpose." >&2
  exit 1
fi

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

run_browser() {  # run_browser LOG ARGS… — headless, isolated profile, no network names, console logged
  local log=$1; shift
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
    --no-default-browser-check --disable-extensions --disable-background-networking --disable-sync \
    --user-data-dir="$out/profile" --host-resolver-rules="MAP * ~NOTFOUND" \
    --enable-logging=stderr --v=0 "$@" 2>"$log"
}

sections=(summary access maps channels lorenz decomposition scenarios journeys convergence composite plan audit recipe)
if [ "$mode" = study ]; then sections=("$@"); fi

for lang in en zh; do
  html="$out/report_$lang.html"
  if [ "$mode" = study ]; then
    "$renderer" run "$fixtures" --output "$out/run_$lang" --lang "$lang" --no-cache >/dev/null
    cp "$out/run_$lang/report.html" "$html"
  else
    "$renderer" "$fixtures/bho_report.json" "$fixtures/bho_zones.geojson" "$html" "$lang"
  fi
  size=$(stat -c %s "$html")
  echo "report_$lang.html: $size bytes"
  [ "$size" -lt 5000000 ] || fail "report_$lang.html is $size bytes (limit 5 MB)"

  # The DOM, and the console: any CONSOLE line (an error, a failed load) fails the test.
  run_browser "$out/dom_$lang.log" --dump-dom "file://$html" >"$out/dom_$lang.html" || fail "$lang: dump-dom failed"
  if grep -n "CONSOLE" "$out/dom_$lang.log"; then fail "$lang: the browser console logged messages (above)"; fi
  for id in "${sections[@]}"; do
    grep -q "<section id=\"$id\"" "$out/dom_$lang.html" || fail "$lang: section '$id' not in the rendered DOM"
  done
  grep -q "<html lang=\"$([ "$lang" = zh ] && echo zh-Hans || echo en)\"" "$out/dom_$lang.html" ||
    fail "$lang: lang attribute missing"
  n_svg=$(grep -o "<svg " "$out/dom_$lang.html" | wc -l)
  [ "$n_svg" -ge 10 ] || fail "$lang: only $n_svg charts rendered"

  # Phone width: laid out 375 px wide, nothing may stick out but inside a scrolling table box (a probe
  # script lists the elements whose right edge passes 375 px). Chromium's window is at least 500 px wide,
  # so the page's root is narrowed to 375 px instead.
  probe="$out/probe_$lang.html"
  sed 's|</body>|<script>document.documentElement.style.width="375px";var o=[];document.querySelectorAll("body *").forEach(function(e){if(e.closest(".table")\|\|(e.ownerSVGElement))return;var r=e.getBoundingClientRect();if(r.right>376)o.push(e.tagName+(e.id?"#"+e.id:""))});document.body.setAttribute("data-too-wide",o.length+" "+o.slice(0,10).join(" "))</script></body>|' \
    "$html" >"$probe"
  run_browser "$out/probe_$lang.log" --window-size=375,800 --dump-dom "file://$probe" >"$out/probe_dom_$lang.html" ||
    fail "$lang: dump-dom at 375 px failed"
  wide=$(grep -o 'data-too-wide="[^"]*"' "$out/probe_dom_$lang.html" || true)
  if [ -z "$wide" ]; then
    fail "$lang: the width probe did not run"
  elif [ "$wide" != 'data-too-wide="0 "' ]; then
    fail "$lang: at 375 px these stick out: $wide"
  fi

  # Print to PDF and screenshots.
  rm -f "$out/report_$lang.pdf"
  run_browser "$out/pdf_$lang.log" --no-pdf-header-footer --print-to-pdf="$out/report_$lang.pdf" "file://$html" ||
    fail "$lang: print-to-pdf failed"
  if [ ! -s "$out/report_$lang.pdf" ] || [ "$(head -c 4 "$out/report_$lang.pdf")" != "%PDF" ]; then
    fail "$lang: no PDF written"
  else
    echo "report_$lang.pdf: $(stat -c %s "$out/report_$lang.pdf") bytes"
  fi
  for size in 375,800 1280,900; do
    png="$out/report_${lang}_${size/,/x}.png"
    rm -f "$png"
    run_browser "$out/shot_$lang.log" --window-size="$size" --hide-scrollbars --screenshot="$png" "file://$html" ||
      fail "$lang: screenshot $size failed"
    [ -s "$png" ] || fail "$lang: no screenshot at $size"
  done
done

if [ "$failures" -gt 0 ]; then
  echo "$failures check(s) failed; outputs in $out" >&2
  exit 1
fi
echo "ok: the study report renders in $("$browser" --version 2>/dev/null | head -1); outputs in $out"
