#!/usr/bin/env bash
# Fails when a C++ file differs from .clang-format (ns-3 style); prints the files to fix.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# Untracked files too, so that a new file is checked before its first commit.
mapfile -t files < <(git ls-files --cached --others --exclude-standard 'src/*.h' 'src/*.cc' 'scenarios/*.cc' 'tests/*.h' 'tests/*.cc' 'tools/*.cc')
bad=()
for f in "${files[@]}"; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
        bad+=("$f")
    fi
done
if ((${#bad[@]})); then
    echo "check-format: ${#bad[@]} file(s) not in ns-3 style (fix with clang-format -i):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    exit 1
fi
echo "check-format: ${#files[@]} files in ns-3 style"
