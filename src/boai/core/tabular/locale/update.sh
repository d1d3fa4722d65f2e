#!/bin/sh
# Refresh the Excel engine's zh_Hans catalog from exactly the files it owns: core/tabular, its templates
# (core/templates/tabular), the import/export commands and the orgs kind; then compile it.
# Usage (from anywhere): PYTHON=.venv/bin/python src/boai/core/tabular/locale/update.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
boai=$(cd "$here/../../.." && pwd)            # src/boai
python=${PYTHON:-python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ln -s "$boai/core/tabular" "$tmp/tabular"
ln -s "$boai/core/templates/tabular" "$tmp/templates"
for f in import.py export.py _tabular.py; do ln -s "$boai/core/management/commands/$f" "$tmp/command_$f"; done
ln -s "$boai/orgs/tabular.py" "$tmp/orgs_tabular.py"
ln -s "$here" "$tmp/locale"
cd "$tmp"
PYTHONPATH="$boai/.." "$python" -m boai.manage makemessages -l zh_Hans --symlinks --no-obsolete \
  --ignore 'tabular/locale' --ignore 'tabular/tests' --add-location file
cd "$here/.."
PYTHONPATH="$boai/.." "$python" -m boai.manage compilemessages -l zh_Hans
