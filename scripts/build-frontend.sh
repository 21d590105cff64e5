#!/usr/bin/env bash
# Rebuild the vendored GOV.UK Frontend assets in static/govuk/.
#
# Usage: scripts/build-frontend.sh
#   GOVUK_FRONTEND_VERSION=5.x.y SASS_VERSION=1.x.y scripts/build-frontend.sh
#
# Needs node + npm (and access to the npm registry) only when you run it.
# The compiled output is committed, so nothing Node-related is needed at run
# time. npm packages are installed into a temporary directory, never into the
# project.
#
# Outputs (relative to the repository root):
#   static/govuk/govuk-frontend.min.css  compiled from static/src/govuk-frontend.scss
#   static/govuk/govuk-frontend.min.js   the package's dist ES module bundle
#   static/govuk/assets/...              only files the CSS url()s reference
#   static/govuk/VERSION                 versions used for the build
# static/govuk/LICENSE (GOV.UK Frontend's MIT licence) is committed as-is; the
# npm package does not ship a licence file, so this script only checks that the
# package is still MIT-licensed.
set -euo pipefail

GOVUK_FRONTEND_VERSION="${GOVUK_FRONTEND_VERSION:-5.14.0}"
SASS_VERSION="${SASS_VERSION:-1.108.2}"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SRC="$ROOT/static/src/govuk-frontend.scss"
OUT="$ROOT/static/govuk"

BUILD_DIR="$(mktemp -d "${TMPDIR:-/tmp}/govuk-build.XXXXXX")"
cleanup() { rm -rf "$BUILD_DIR"; }
trap cleanup EXIT

echo "==> Installing govuk-frontend@$GOVUK_FRONTEND_VERSION and sass@$SASS_VERSION in $BUILD_DIR"
(
  cd "$BUILD_DIR"
  npm init -y >/dev/null
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
    "govuk-frontend@$GOVUK_FRONTEND_VERSION" "sass@$SASS_VERSION" >/dev/null
)

PKG="$BUILD_DIR/node_modules/govuk-frontend"
DIST="$PKG/dist/govuk"
INSTALLED_VERSION="$(node -p "require('$PKG/package.json').version")"
INSTALLED_LICENSE="$(node -p "require('$PKG/package.json').license")"
INSTALLED_SASS="$(node -p "require('$BUILD_DIR/node_modules/sass/package.json').version")"

if [[ "$INSTALLED_LICENSE" != "MIT" ]]; then
  echo "ERROR: govuk-frontend licence is '$INSTALLED_LICENSE', expected MIT; update static/govuk/LICENSE" >&2
  exit 1
fi

echo "==> Compiling $SRC"
CSS_TMP="$BUILD_DIR/govuk-frontend.min.css"
# --quiet-deps / --silence-deprecation=import: GOV.UK Frontend v5 is written
# with @import, which current Dart Sass reports as deprecated (warnings only).
"$BUILD_DIR/node_modules/.bin/sass" \
  --load-path="$BUILD_DIR/node_modules" \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  --silence-deprecation=import \
  "$SRC" "$CSS_TMP"

echo "==> Checking compiled CSS"
fail() { echo "ERROR: $*" >&2; exit 1; }
grep -qi 'GDS Transport' "$CSS_TMP" && fail "CSS mentions GDS Transport"
grep -qi '@font-face' "$CSS_TMP" && fail "CSS contains @font-face"
grep -qi 'arial' "$CSS_TMP" || fail "CSS does not use Arial"

# Every url() must be a relative path to a non-font, non-crown file that
# exists in the package; those files (and only those) are vendored.
mapfile -t URLS < <(grep -o 'url([^)]*)' "$CSS_TMP" \
  | sed -e 's/^url(//' -e 's/)$//' -e "s/^[\"']//" -e "s/[\"']\$//" \
  | grep -v '^data:' | sort -u || true)
for url in "${URLS[@]}"; do
  [[ -z "$url" ]] && continue
  case "$url" in
    /* | *://*) fail "absolute URL in CSS: $url (use relative paths)" ;;
    assets/fonts/*) fail "CSS references a font file: $url" ;;
    *crest* | *crown* | *favicon* | *govuk-icon*) fail "CSS references a crown image: $url" ;;
    assets/*) ;;
    *) fail "unexpected URL in CSS: $url" ;;
  esac
  [[ -f "$DIST/$url" ]] || fail "CSS references $url, not found in the package"
done

echo "==> Writing $OUT"
mkdir -p "$OUT"
rm -rf "$OUT/assets"
for url in "${URLS[@]}"; do
  [[ -z "$url" ]] && continue
  mkdir -p "$OUT/$(dirname "$url")"
  cp "$DIST/$url" "$OUT/$url"
  echo "    vendored $url"
done

cp "$CSS_TMP" "$OUT/govuk-frontend.min.css"

# The bundle ends with "//# sourceMappingURL=govuk-frontend.min.js.map".
# The map is not vendored, so drop the comment (avoids 404s in browser
# devtools and a missing-file error if Django's manifest storage ever
# tries to rewrite it).
sed -e 's|//# sourceMappingURL=[^[:space:]]*||' \
  "$DIST/govuk-frontend.min.js" > "$OUT/govuk-frontend.min.js"
# Make sure the file still ends with a newline.
[[ -n "$(tail -c1 "$OUT/govuk-frontend.min.js")" ]] && echo >> "$OUT/govuk-frontend.min.js"

printf 'govuk-frontend %s\nsass %s\n' "$INSTALLED_VERSION" "$INSTALLED_SASS" > "$OUT/VERSION"

[[ -f "$OUT/LICENSE" ]] || fail "static/govuk/LICENSE is missing (GOV.UK Frontend MIT licence)"

echo "==> Done: govuk-frontend $INSTALLED_VERSION"
ls -l "$OUT"
