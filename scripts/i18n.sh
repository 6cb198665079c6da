#!/usr/bin/env bash
# Interface-string workflow (pybabel with babel.cfg):
#   scripts/i18n.sh extract   templates + Python → translations/messages.pot
#   scripts/i18n.sh update    extract, then merge new strings into every catalog
#   scripts/i18n.sh compile   .po → .mo (setup.sh does this; .mo files are not committed)
#   scripts/i18n.sh lint      msgfmt --check, and fail on untranslated or fuzzy entries
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
case "${1:-}" in
    extract)
        "$BIN/pybabel" extract -F babel.cfg -k _l --no-location --sort-output --project migrant_info \
            --copyright-holder "migrant_info contributors" -o translations/messages.pot . ;;
    update)
        "$0" extract
        "$BIN/pybabel" update -i translations/messages.pot -d translations --no-fuzzy-matching ;;
    compile)
        "$BIN/pybabel" compile -d translations ;;
    lint)
        status=0
        for po in translations/*/LC_MESSAGES/messages.po; do
            msgfmt --check --output-file=/dev/null "$po" || status=1
        done
        "$BIN/python" -m migrant_info.catalogs translations || status=1
        exit $status ;;
    *)
        sed -n '2,7p' "$0"; exit 2 ;;
esac
